// The shipped model as two graphs split at the fast-weight memory: `pre` (embedding and the layers
// below the memory; emits the memory's query, value source and gate) and `post` (takes the memory
// read; the layers above and the logits). Loading checks the graphs against models/longlens.json.
import { join } from "node:path";
import { LongLensError } from "../errors";
import { shippedModelsDir } from "./modelFiles";
import { MODEL_CONFIG_FILE, readModelConfig, type GraphEntry, type ModelConfigFile, type ModelHyperparameters } from "./modelConfig";
import { GraphSession, type DeclaredShape, type SessionOptions } from "./onnx";

export type Variant = "longlens" | "rope";

export interface LoadOptions extends SessionOptions {
  /** "longlens" (DroPE + REPO, the shipped model) or "rope" (the same model before the drop). */
  variant?: Variant;
}

/** The fixed widths each named tensor must have on its last axis, from the config. */
function expectedWidths(m: ModelHyperparameters): [RegExp, number, string][] {
  const dHead = m.d_model / m.n_head;
  return [
    [/^logits$/, m.vocab_size, "vocab_size"],
    [/^hidden$/, m.d_model, "d_model"],
    [/^memory_query$/, m.mem_kdim, "mem_kdim"],
    [/^memory_(value|read)$/, m.mem_vdim, "mem_vdim"],
    [/^(past|present)\.\d+\.(key|value)$/, dHead, "d_model / n_head"],
    [/^(past|present)\.\d+\.conv$/, m.d_model, "d_model"],
  ];
}

function checkGraph(session: GraphSession, entry: GraphEntry, model: ModelHyperparameters, configPath: string): void {
  const file = entry.file;
  const sameNames = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((n) => b.includes(n));
  if (!sameNames(session.inputNames, entry.inputs) || !sameNames(session.outputNames, entry.outputs)) {
    throw new LongLensError(
      `${file} does not match ${configPath}: the graph has inputs [${session.inputNames.join(", ")}] and outputs [${session.outputNames.join(", ")}].`,
      "MODEL_SHAPE",
    );
  }
  const shapes = new Map<string, DeclaredShape>([...session.shapes("inputs"), ...session.shapes("outputs")]);
  for (const [name, shape] of shapes) {
    for (const [pattern, width, field] of expectedWidths(model)) {
      const last = shape[shape.length - 1];
      if (pattern.test(name) && typeof last === "number" && last !== width) {
        throw new LongLensError(
          `${file}: ${name} has width ${last} but ${configPath} says ${field} = ${width}.`,
          "MODEL_SHAPE",
        );
      }
    }
  }
}

export class ModelGraphs {
  private constructor(
    readonly config: ModelConfigFile,
    readonly variant: Variant,
    readonly pre: GraphSession,
    readonly post: GraphSession,
  ) {}

  static async load(dir: string = shippedModelsDir(), options: LoadOptions = {}): Promise<ModelGraphs> {
    const config = readModelConfig(dir);
    const configPath = join(dir, MODEL_CONFIG_FILE);
    const variant = options.variant ?? "longlens";
    const entry = config.variants[variant];
    if (!entry) throw new LongLensError(`${configPath} has no "${variant}" variant.`, "MODEL_CONFIG");
    const sessions: GraphSession[] = [];
    try {
      for (const part of [entry.pre, entry.post]) {
        const session = await GraphSession.load(join(dir, part.file), options);
        sessions.push(session);
        checkGraph(session, part, config.model, configPath);
      }
    } catch (error) {
      await Promise.all(sessions.map((s) => s.dispose()));
      throw error;
    }
    return new ModelGraphs(config, variant, sessions[0]!, sessions[1]!);
  }

  async dispose(): Promise<void> {
    await Promise.all([this.pre.dispose(), this.post.dispose()]);
  }
}
