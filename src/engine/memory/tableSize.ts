// How big a memory a read of n tokens gets: the model's rule (model.py table_subkeys), as longlens.json states it.

export interface TableRule {
  tokens_per_slot: number;
  min_subkeys: number;
  max_subkeys: number;
}

/** Sub-keys per half, a power of two: the smallest giving a slot per tokens_per_slot tokens, within the bounds. */
export function tableSubkeys(tokens: number, rule: TableRule): number {
  let n = rule.min_subkeys;
  while (n < rule.max_subkeys && n * n * rule.tokens_per_slot < tokens) n *= 2;
  return n;
}

