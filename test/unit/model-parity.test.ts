// onnxruntime-node, from TypeScript, must reproduce PyTorch's outputs for the shipped graphs: the
// export recorded inputs and outputs of two pieces (the second with a KV cache) per variant.
import { strict as assert } from "node:assert";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ModelGraphs, type Variant } from "../../src/engine/model/modelGraphs";
import { shippedModelsDir } from "../../src/engine/model/modelFiles";
import { MODEL_FORMAT_VERSION } from "../../src/engine/model/modelConfig";
import { type Encoded, decode, maxAbsDiff } from "../fixtures/tensors";

const TOLERANCE = 1e-4;
const fixtures = join(__dirname, "..", "fixtures");

interface ParityCase {
  pre: { inputs: Record<string, Encoded>; outputs: Record<string, Encoded> };
  post: { inputs: Record<string, Encoded>; outputs: Record<string, Encoded> };
}

for (const variant of ["longlens", "rope"] as Variant[]) {
  describe(`model parity: ${variant}`, () => {
    const vectors = JSON.parse(readFileSync(join(fixtures, `model-parity.${variant}.json`), "utf8")) as { cases: ParityCase[] };
    let graphs: ModelGraphs;
    after(async () => graphs?.dispose());

    test("every output of both graphs matches PyTorch within 1e-4", async () => {
      graphs = await ModelGraphs.load(shippedModelsDir(), { variant });
      assert.ok(vectors.cases.length >= 2);
      for (const [i, c] of vectors.cases.entries()) {
        for (const part of ["pre", "post"] as const) {
          const session = graphs[part];
          const feeds = Object.fromEntries(session.inputNames.map((n) => [n, decode(c[part].inputs[n]!)]));
          const got = await session.run(feeds);
          assert.deepEqual(Object.keys(got).sort(), Object.keys(c[part].outputs).sort());
          for (const [name, encoded] of Object.entries(c[part].outputs)) {
            const want = decode(encoded);
            assert.deepEqual([...got[name]!.dims], want.dims, `${variant} case ${i} ${part} ${name} shape`);
            const diff = maxAbsDiff(got[name]!.data, want.data);
            assert.ok(diff <= TOLERANCE, `${variant} case ${i} ${part} ${name}: max abs diff ${diff}`);
          }
        }
      }
    });
  });
}

describe("model loading refuses what does not match", () => {
  const copies: string[] = [];
  after(() => copies.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function copyWithConfig(edit: (config: Record<string, any>) => void): string {
    const dir = mkdtempSync(join(tmpdir(), "longlens-model-"));
    copies.push(dir);
    for (const f of readdirSync(shippedModelsDir())) {
      if (f.endsWith(".onnx") || f.endsWith(".json")) cpSync(join(shippedModelsDir(), f), join(dir, f));
    }
    const config = JSON.parse(readFileSync(join(dir, "longlens.json"), "utf8"));
    edit(config);
    writeFileSync(join(dir, "longlens.json"), JSON.stringify(config));
    return dir;
  }

  test("a foreign format version is refused, naming both versions", async () => {
    const dir = copyWithConfig((c) => (c.format_version = 99));
    await assert.rejects(ModelGraphs.load(dir), new RegExp(`format version 99; this LongLens reads version ${MODEL_FORMAT_VERSION}`));
  });

  test("a config whose sizes disagree with the graph is refused, naming the tensor and the field", async () => {
    const dir = copyWithConfig((c) => (c.model.vocab_size += 1));
    await assert.rejects(ModelGraphs.load(dir), /logits has width \d+ but .* says vocab_size = \d+/);
  });

  test("a local head the model does not have is refused, naming the field", async () => {
    const dir = copyWithConfig((c) => (c.model.local_heads = Array.from({ length: c.model.n_layer }, () => [c.model.n_head])));
    await assert.rejects(ModelGraphs.load(dir), /model\.local_heads must be \[\] or list/);
  });

  test("a graph whose inputs differ from the config is refused", async () => {
    const dir = copyWithConfig((c) => c.variants.longlens.pre.inputs.push("extra_input"));
    await assert.rejects(ModelGraphs.load(dir), /does not match .*longlens\.json/);
  });

  test("a missing config says so", async () => {
    const dir = copyWithConfig(() => undefined);
    rmSync(join(dir, "longlens.json"));
    await assert.rejects(ModelGraphs.load(dir), /longlens\.json: it is missing/);
  });
});
