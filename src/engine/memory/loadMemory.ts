// Everything a memory needs from the shipped model files, loaded once per process.
import type { ModelConfigFile } from "../model/modelConfig";
import type { SessionOptions } from "../model/onnx";
import { type MemoryRules, MemoryTable } from "./memoryTable";
import { ProductKeys } from "./productKeys";
import { SubkeyStream } from "./subkeys";
import { type TableRule, tableSubkeys } from "./tableSize";

export class MemoryFactory {
  private constructor(
    readonly rules: MemoryRules,
    readonly tableRule: TableRule,
    readonly productKeys: ProductKeys,
    private readonly subkeys: SubkeyStream,
  ) {}

  static async load(modelsDir: string, config: ModelConfigFile, options: SessionOptions = {}): Promise<MemoryFactory> {
    const m = config.model;
    const table = config.memory_table;
    const rules: MemoryRules = { keyDim: m.mem_kdim, valueDim: m.mem_vdim, topk: m.mem_topk, chunk: m.mem_chunk, keyLr: m.mem_key_lr };
    const subkeys = SubkeyStream.load(modelsDir, table.subkeys.file, m.mem_kdim / 2, table.subkeys.max_subkeys);
    const productKeys = await ProductKeys.load(modelsDir, table.address.file, m.mem_kdim, m.mem_topk, options);
    return new MemoryFactory(rules, table, productKeys, subkeys);
  }

  /** A fresh memory of n sub-keys per half (default: sized for `tokens` by the model's rule). */
  fresh(n: number): MemoryTable {
    return new MemoryTable(this.rules, n, this.subkeys.fresh(n));
  }

  freshFor(tokens: number): MemoryTable {
    return this.fresh(tableSubkeys(tokens, this.tableRule));
  }

  dispose(): Promise<void> {
    return this.productKeys.dispose();
  }
}
