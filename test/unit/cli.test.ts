// The `longlens` CLI as a user or a script runs it: a real process on real files.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { assertOneLineError, cli, repo } from "../fixtures/runCli";

const sample = path.join(repo, "test/fixtures/cli-sample");

let temp: string;
let store: string;

before(async () => {
  temp = await mkdtemp(path.join(tmpdir(), "longlens-cli-"));
  store = path.join(temp, "store");
});
after(() => rm(temp, { recursive: true, force: true }));

describe("longlens CLI", () => {
  test("--help and --version", async () => {
    const help = await cli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /longlens ask <path> "<question>"/);
    const version = await cli(["--version"]);
    const { version: expected } = JSON.parse(await readFile(path.join(repo, "package.json"), "utf8")) as { version: string };
    assert.equal(version.stdout.trim(), expected);
  });

  test("index --json reports files, chunks, tokens and how they were counted", async () => {
    const run = await cli(["index", sample, "--store", store, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "", "no progress noise when stderr is not a terminal");
    const result = JSON.parse(run.stdout);
    for (const key of ["chunks", "files", "seconds", "skipped", "tokenCounter", "tokens", "tokensPerSecond"]) assert.ok(key in result, key);
    assert.equal(result.files, 5);
    assert.ok(result.chunks >= 5 && result.tokens > 100);
    assert.deepEqual(result.skipped, []);
  });

  test("index without --json prints a short summary", async () => {
    const run = await cli(["index", sample, "--store", store]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Indexed 5 files, \d+ chunks \([\d,]+ tokens\) in [\d.]+ s/);
  });

  test("ask --json returns ranked hits with paths relative to <path>", async () => {
    const run = await cli(["ask", sample, "compute the late fee of an overdue invoice", "--store", store, "--json", "--top", "3"]);
    assert.equal(run.code, 0, run.stderr);
    const { hits } = JSON.parse(run.stdout);
    assert.ok(hits.length > 0 && hits.length <= 3);
    for (const key of ["endLine", "file", "score", "snippet", "sources", "startLine"]) assert.ok(key in hits[0], key);
    assert.equal(hits[0].file, "src/invoice.ts");
    assert.match(hits[0].snippet, /computeLateFee/);
  });

  test("ask --batch answers one JSON line per question, in order", async () => {
    const batch = path.join(temp, "questions.txt");
    await writeFile(batch, "send a reminder email\n\nDATABASE_TIMEOUT_SECONDS\ncompute the late fee\n");
    const run = await cli(["ask", sample, "--batch", batch, "--store", store, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const answers = run.stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(
      answers.map((a) => a.hits[0]?.file),
      ["src/mailer.go", "src/settings.py", "src/invoice.ts"],
    );
  });

  test("needle --json points at the line that holds the value", async () => {
    const run = await cli(["needle", sample, "DATABASE_TIMEOUT_SECONDS", "--store", store, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    for (const key of ["answer", "confidence", "file", "hits", "line"]) assert.ok(key in result, key);
    assert.equal(result.file, "src/settings.py");
    assert.equal(result.line, 4);
  });

  test("ask on a folder without an index indexes it first", async () => {
    const fresh = path.join(temp, "fresh-store");
    const run = await cli(["ask", sample, "send a reminder email", "--store", fresh]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^src\/mailer\.go:\d+-\d+ {2}[\d.]+ {2}[a-z+]+\n {4}\S/);
  });

  test("inspect --json shows the tokens of the chosen lines", async () => {
    const run = await cli(["inspect", path.join(sample, "src/invoice.ts"), "--lines", "8-9", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.startLine, 8);
    assert.equal(result.endLine, 9);
    assert.ok(result.tokens.length > 5);
    assert.ok(result.tokens.every((t: { line: number }) => t.line >= 8 && t.line <= 9));
    assert.match(result.tokens.map((t: { text: string }) => t.text).join(""), /computeLateFee/);
  });

  test("usage errors exit 2 with one line", async () => {
    assertOneLineError(await cli(["frobnicate"]), 2, /Unknown command 'frobnicate'/);
    assertOneLineError(await cli(["ask", sample]), 2, /Missing question/);
    assertOneLineError(await cli(["ask", sample, "q", "--top", "many"]), 2, /--top/);
    assertOneLineError(await cli(["index", sample, "--colour"]), 2, /Unknown option '--colour'/);
    assertOneLineError(await cli(["inspect", sample, "--lines", "9-3"]), 2, /--lines/);
    for (const top of ["-1", "0"]) assertOneLineError(await cli(["ask", sample, "q", "--top", top, "--store", store]), 2, /--top/);
    assertOneLineError(await cli(["ask", sample, "q", "--top=-1", "--store", store]), 2, /--top/);
    assertOneLineError(await cli(["needle", sample, "   ", "--store", store]), 2, /question is empty/);
    assertOneLineError(await cli(["ask", sample, "x".repeat(100_000), "--store", store]), 2, /question/i);
    assertOneLineError(await cli(["index", sample, "--store", ""]), 2, /--store needs a folder/);
  });

  test("bad input exits 1 with one line and no stack trace", async () => {
    assertOneLineError(await cli(["index", path.join(temp, "no-such-folder"), "--store", store]), 1, /no-such-folder/);
    assertOneLineError(await cli(["inspect", sample]), 1, /./);
    assertOneLineError(await cli(["ask", sample, "--batch", sample, "--store", store]), 1, /Cannot read batch file/);
  });

  test("a store path that is a file is refused, and the file is left alone", async () => {
    const notADir = path.join(temp, "store-is-a-file");
    await writeFile(notADir, "keep me");
    assertOneLineError(await cli(["index", sample, "--store", notADir]), 1, /store location .*store-is-a-file is not a folder/);
    assert.equal(await readFile(notADir, "utf8"), "keep me");
  });
});

describe("longlens CLI interrupted", () => {
  test("Ctrl-C, SIGTERM or SIGHUP mid-index exit 130, 143, 129 and the earlier store answers the same", async () => {
    const tree = path.join(temp, "big");
    await mkdir(path.join(tree, "src"), { recursive: true });
    await writeFile(path.join(tree, "src/ledger.ts"), "export function reconcileLedger(entries: number[]) {\n  return entries.reduce((a, b) => a + b, 0);\n}\n");
    const bigStore = path.join(temp, "big-store");
    const question = ["ask", tree, "reconcile the ledger", "--store", bigStore, "--json"];
    assert.equal((await cli(["index", tree, "--store", bigStore, "--json"])).code, 0);
    const before = await cli(question);
    assert.equal(before.code, 0, before.stderr);

    // Many new files that would also match the question, so a half-written store would show.
    for (let dir = 0; dir < 40; dir++) {
      await mkdir(path.join(tree, `gen${dir}`));
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          writeFile(
            path.join(tree, `gen${dir}`, `ledger${i}.ts`),
            Array.from({ length: 60 }, (_, l) => `export const reconcileLedger${dir}_${i}_${l} = (ledger: number[]) => ledger.length + ${l};\n`).join(""),
          ),
        ),
      );
    }
    // The store's lock file exists exactly while an index run is writing it: interrupt then, once (a second
    // signal means "exit now"). SIGTERM and SIGHUP stop a run as Ctrl-C does, with their own exit status.
    for (const [signal, status] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
      const interrupted = await cli(["index", tree, "--store", bigStore, "--json"], {
        onStart: (child) => {
          const poll = setInterval(() => {
            if (!existsSync(path.join(bigStore, "index.lock"))) return;
            clearInterval(poll);
            child.kill(signal);
          }, 20);
          child.on("close", () => clearInterval(poll));
        },
      });
      assertOneLineError(interrupted, status, new RegExp(`Interrupted by ${signal}; the previous index is unchanged`));
      assert.equal(existsSync(path.join(bigStore, "index.lock")), false, "the interrupted run released its lock");
      const afterwards = await cli(question);
      assert.equal(afterwards.code, 0, afterwards.stderr);
      assert.deepEqual(JSON.parse(afterwards.stdout), JSON.parse(before.stdout));
    }
  });
});
