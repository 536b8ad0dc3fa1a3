// What a stored memory depends on: the pre graph that projects tokens, the addressing graph, the sub-keys
// and the rules. A shard written under any other combination is refused (and rebuilt), never misread.
import { createHash } from "node:crypto";
import type { ModelConfigFile } from "../model/modelConfig";
import type { Variant } from "../model/modelGraphs";

export function memoryModelIdentity(config: ModelConfigFile, variant: Variant = "longlens"): string {
  const m = config.model;
  const parts = [
    config.variants[variant]!.pre.sha256,
    config.memory_table.address.sha256,
    config.memory_table.subkeys.sha256,
    config.tokenizer.sha256,
    `${m.mem_kdim}/${m.mem_vdim}/${m.mem_topk}/${m.mem_chunk}/${m.mem_key_lr}`,
  ];
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 24);
}
