// The one module that imports onnxruntime. Everything else passes plain typed arrays.
import * as ort from "onnxruntime-node";
import { LongLensError } from "../errors";

export type TensorType = "float32" | "int64";

export interface TensorData {
  type: TensorType;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

export interface SessionOptions {
  /** Intra-op threads; 0 lets onnxruntime choose. */
  threads?: number;
  /**
   * Whether onnxruntime plans one allocation for a shape's intermediates from its second run on (default true):
   * right for the memory pass's fixed pieces; for the inspector's 2,000-token windows it cost 0.6 GB more RSS
   * (1.24 -> 1.82 GB) for no speed.
   */
  memoryPattern?: boolean;
}

/** A tensor's declared shape: numbers for fixed axes, names for dynamic ones. */
export type DeclaredShape = readonly (number | string)[];

function describe(name: string, t: TensorData | undefined): string {
  return t ? `${name}: ${t.type}[${t.dims.join(", ")}]` : `${name}: missing`;
}

/** One ONNX graph. Inputs are checked by name before a run; a failed run reports every input's type and shape. */
export class GraphSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly file: string,
  ) {}

  static async load(file: string, options: SessionOptions = {}): Promise<GraphSession> {
    try {
      const session = await ort.InferenceSession.create(file, {
        intraOpNumThreads: options.threads ?? 0,
        interOpNumThreads: 1,
        graphOptimizationLevel: "all",
        enableMemPattern: options.memoryPattern ?? true,
      });
      return new GraphSession(session, file);
    } catch (error) {
      const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new LongLensError(`Cannot load the model graph ${file}: ${detail}`, "MODEL_LOAD");
    }
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Declared shapes of the inputs or outputs, by name. */
  shapes(of: "inputs" | "outputs"): Map<string, DeclaredShape> {
    const metadata = of === "inputs" ? this.session.inputMetadata : this.session.outputMetadata;
    const shapes = new Map<string, DeclaredShape>();
    for (const m of metadata) if (m.isTensor) shapes.set(m.name, m.shape);
    return shapes;
  }

  /** Runs the graph; `outputs` (default: all) names the outputs wanted: onnxruntime computes only what they need. */
  async run(feeds: Record<string, TensorData>, outputs: readonly string[] = this.outputNames): Promise<Record<string, TensorData>> {
    const missing = this.inputNames.filter((n) => !(n in feeds));
    if (missing.length) {
      throw new LongLensError(`${this.file}: missing inputs ${missing.join(", ")}`, "MODEL_INPUT");
    }
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const name of this.inputNames) {
      const t = feeds[name]!;
      ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    }
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(ortFeeds, [...outputs]);
    } catch (error) {
      const shapes = this.inputNames.map((n) => describe(n, feeds[n])).join("; ");
      const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new LongLensError(`${this.file} failed (${detail}) with inputs ${shapes}`, "MODEL_RUN");
    }
    const out: Record<string, TensorData> = {};
    for (const name of outputs) {
      const t = results[name]!;
      out[name] = { type: t.type as TensorType, dims: t.dims, data: t.data as Float32Array | BigInt64Array };
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
