import assert from "node:assert/strict";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { Workspace } from "../../src/engine/workspace";
import { indexNotices } from "../../src/shared/indexNotices";
import { polyglotCopy, tempDir } from "../fixtures/fixtureTrees";

test("an index's notices name its redacted secrets and the links it skipped for leaving the folder, and allowedOutsideRoots lets a folder in", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const outside = await tempDir(t, "longlens-outside-");
  await mkdir(path.join(outside, "lib"));
  await writeFile(path.join(outside, "lib", "util.ts"), "export const util = 2;\n");
  await symlink(path.join(outside, "lib"), path.join(tree, "outside-lib"));
  await symlink("/etc", path.join(tree, "etc_link"));
  await writeFile(path.join(tree, "awsConfig.ts"), "const region = 'eu-west-1';\nconst key = 'AKIAIOSFODNN7EXAMPLQ';\nconst other = 'AKIAIOSFODNN7EXAMPLR';\n");

  const closed = await Workspace.open(tree, { storeDir: store, memory: false });
  assert.deepEqual(indexNotices(await closed.index()), [
    "2 lines holding secrets in 1 file indexed as [redacted by LongLens]",
    "2 links leading out of the folder skipped (longlens.allowedOutsideRoots lets chosen folders in)",
  ]);
  closed.dispose();

  const open = await Workspace.open(tree, { storeDir: store, memory: false, allowedOutsideRoots: [outside] });
  const notices = indexNotices(await open.index());
  assert.equal(notices.at(-1), "1 link leading out of the folder skipped (longlens.allowedOutsideRoots lets chosen folders in)");
  open.dispose();
});

test("a clean index has no notices; its warnings come first when it has some", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store, memory: false });
  assert.deepEqual(indexNotices(await workspace.index()), []);
  await writeFile(path.join(tree, ".gitignore"), `${"a".repeat(200_000)}\n`);
  const [first] = indexNotices(await workspace.index());
  assert.match(first ?? "", /^\.gitignore:1: ignore pattern skipped/);
  workspace.dispose();
});
