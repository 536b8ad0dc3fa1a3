// models/longlens.json: what the export wrote about the shipped graphs. The runtime trusts nothing
// in a graph that this file does not also say.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LongLensError } from "../errors";

/** The export's FORMAT_VERSION this runtime reads. */
export const MODEL_FORMAT_VERSION = 2;

export type PositionMode = "rope" | "none" | "repo";

/** The checkpoint's own config, as saved by training (snake_case kept: it is the Python dataclass). */
export interface ModelHyperparameters {
  vocab_size: number;
  n_layer: number;
  n_head: number;
  d_model: number;
  d_mlp: number;
  block_size: number;
  rope_theta: number;
  /** Tokens each block's short convolution sees; layers carry the last conv_width - 1 inputs between pieces. */
  conv_width: number;
  pos_modes: PositionMode[];
  mem_layer: number;
  mem_subkeys: number;
  mem_kdim: number;
  mem_vdim: number;
  mem_topk: number;
  mem_chunk: number;
  mem_key_lr: number;
  mem_key_seed: number;
  beta_c: number;
  /** Per layer, the heads that read only their last local_window keys at any length (baked into the graphs); [] when none. */
  local_heads: number[][];
  local_window: number;
}

export interface GraphEntry {
  file: string;
  sha256: string;
  inputs: string[];
  outputs: string[];
  layers: [number, number];
}

export interface VariantEntry {
  pos_modes: PositionMode[];
  beta_c: number;
  local_heads: number[][];
  local_window: number;
  pre: GraphEntry;
  post: GraphEntry;
}

/** How a runtime sizes and starts a memory (models/training/memory_export.py writes the files). */
export interface MemoryTableEntry {
  tokens_per_slot: number;
  min_subkeys: number;
  max_subkeys: number;
  subkeys: { file: string; sha256: string; max_subkeys: number };
  address: { file: string; sha256: string };
}

export interface ModelConfigFile {
  format_version: number;
  model: ModelHyperparameters;
  variants: Record<string, VariantEntry>;
  tokenizer: { file: string; sha256: string };
  memory_table: MemoryTableEntry;
}

const NUMBER_FIELDS = [
  "vocab_size", "n_layer", "n_head", "d_model", "d_mlp", "block_size", "rope_theta", "conv_width", "mem_layer",
  "mem_subkeys", "mem_kdim", "mem_vdim", "mem_topk", "mem_chunk", "mem_key_lr", "beta_c",
  "local_window",
] as const;

export const MODEL_CONFIG_FILE = "longlens.json";

/** Reads and checks models/longlens.json; every refusal names the file and the field. */
export function readModelConfig(dir: string): ModelConfigFile {
  const path = join(dir, MODEL_CONFIG_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "it is missing" : "it is not valid JSON";
    throw new LongLensError(`Cannot read the model config ${path}: ${why}.`, "MODEL_CONFIG");
  }
  const config = raw as Partial<ModelConfigFile>;
  if (config.format_version !== MODEL_FORMAT_VERSION) {
    throw new LongLensError(
      `${path} has model format version ${String(config.format_version)}; this LongLens reads version ${MODEL_FORMAT_VERSION}.`,
      "MODEL_VERSION",
    );
  }
  const model = config.model as Partial<ModelHyperparameters> | undefined;
  for (const field of NUMBER_FIELDS) {
    if (typeof model?.[field] !== "number") {
      throw new LongLensError(`${path}: model.${field} is missing or not a number.`, "MODEL_CONFIG");
    }
  }
  if (!Array.isArray(model!.pos_modes) || model!.pos_modes.length !== model!.n_layer) {
    throw new LongLensError(`${path}: model.pos_modes must list one mode per layer (${model!.n_layer}).`, "MODEL_CONFIG");
  }
  const heads = model!.local_heads;
  const isHead = (h: unknown) => Number.isInteger(h) && (h as number) >= 0 && (h as number) < model!.n_head!;
  if (!Array.isArray(heads) || (heads.length !== 0 && heads.length !== model!.n_layer) ||
      !heads.every((layer) => Array.isArray(layer) && layer.every(isHead))) {
    throw new LongLensError(
      `${path}: model.local_heads must be [] or list, for each of the ${model!.n_layer} layers, head indices below ${model!.n_head}.`,
      "MODEL_CONFIG",
    );
  }
  if (!config.variants || typeof config.variants !== "object") {
    throw new LongLensError(`${path}: variants is missing.`, "MODEL_CONFIG");
  }
  const table = config.memory_table;
  if (typeof table?.subkeys?.file !== "string" || typeof table.address?.file !== "string" || typeof table.max_subkeys !== "number") {
    throw new LongLensError(`${path}: memory_table must name the sub-key and addressing files (models/training/memory_export.py).`, "MODEL_CONFIG");
  }
  return config as ModelConfigFile;
}
