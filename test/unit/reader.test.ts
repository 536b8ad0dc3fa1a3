import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { test } from "node:test";
import { readSource } from "../../src/engine/reader/readSource";
import { SecretScanner, scanSecrets } from "../../src/engine/reader/secretLines";
import { type WalkEntry, type WalkOptions, walkWorkspace } from "../../src/engine/reader/walk";
import { permissionsApply, polyglotCopy, tempDir } from "../fixtures/fixtureTrees";

const MAX = 1_048_576;

async function walk(root: string, options: Partial<WalkOptions> = {}) {
  const files: string[] = [];
  const skipped = new Map<string, string>();
  const entries: WalkEntry[] = [];
  for await (const entry of walkWorkspace(root, false, { maxFileBytes: MAX, ...options })) {
    entries.push(entry);
    if ("file" in entry) files.push(entry.file.path);
    else skipped.set(entry.skipped.path, entry.skipped.reason);
  }
  return { files, skipped, entries };
}

async function put(root: string, relative: string, contents: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), contents);
}

test("walk honours nested .gitignore, .git/info/exclude and .longlensignore, and skips .git", async (t) => {
  const { tree } = await polyglotCopy(t);
  await put(tree, "build/bundle.js", "console.log('built');\n");
  await put(tree, "server.log", "started\n");
  await put(tree, "src/generated/schema.ts", "export const schema = {};\n");
  await put(tree, "docs/drafts/plan.md", "# plan\n");
  await put(tree, ".git/config", "[core]\n");
  await put(tree, ".git/info/exclude", "notes.local\n");
  await put(tree, "notes.local", "private notes\n");
  await put(tree, "node_modules/left-pad/index.js", "module.exports = (s) => s;\n");

  const { files, skipped } = await walk(tree);
  for (const ignored of ["build/bundle.js", "server.log", "src/generated/schema.ts", ".git/config", "notes.local"]) {
    assert.ok(!files.includes(ignored), `${ignored} should be ignored`);
    assert.ok(![...skipped.keys()].some((key) => ignored.startsWith(key.replace(/\/$/, ""))), `${ignored} is git-ignored: not reported`);
  }
  assert.equal(skipped.get("docs/drafts/"), "excluded by longlensignore");
  assert.ok(!files.includes("docs/drafts/plan.md"));
  assert.ok(files.includes("node_modules/left-pad/index.js"), "node_modules is only skipped when ignored");
  assert.ok(files.includes("src/config/parseConfigFile.ts"));
  assert.ok(files.includes("native/adler32.c"));
});

test("a .longlensignore negation re-includes what git ignores", async (t) => {
  const { tree } = await polyglotCopy(t);
  await put(tree, "server.log", "started\n");
  await writeFile(path.join(tree, ".longlensignore"), "docs/drafts/\n!server.log\n");
  const { files } = await walk(tree);
  assert.ok(files.includes("server.log"));
});

test("walk order is sorted and stable", async (t) => {
  const { tree } = await polyglotCopy(t);
  const first = (await walk(tree)).files;
  const second = (await walk(tree)).files;
  assert.deepEqual(first, second);
  assert.deepEqual(first, [
    ".gitignore",
    ".longlensignore",
    "cmd/report/main.go",
    "docs/README.md",
    "lib/strings.js",
    "native/adler32.c",
    "native/ring_buffer.rs",
    "src/.gitignore",
    "src/config/parseConfigFile.ts",
    "src/server/requestRouter.ts",
    "tools/coverage_report.py",
  ]);
});

test("secrets are reported unless git ignores them", async (t) => {
  const { tree } = await polyglotCopy(t);
  await writeFile(path.join(tree, ".gitignore"), "build/\n*.log\n.env.local\n");
  for (const name of [".env", ".env.local", "deploy/server.pem", "keys/id_rsa", "keys/id_ed25519.pub", "credentials.json", "tls.key", "cert.p12"]) {
    await put(tree, name, "secret\n");
  }
  const { files, skipped } = await walk(tree);
  for (const name of [".env", "deploy/server.pem", "keys/id_rsa", "keys/id_ed25519.pub", "credentials.json", "tls.key", "cert.p12"]) {
    assert.match(skipped.get(name) ?? "", /secret/, name);
    assert.ok(!files.includes(name));
  }
  assert.ok(!skipped.has(".env.local"), "git-ignored secrets are silent");
  assert.ok(!files.includes(".env.local"));
});

test("include and exclude globs", async (t) => {
  const { tree } = await polyglotCopy(t);
  const included = await walk(tree, { include: ["*.ts", "native/"] });
  assert.deepEqual(included.files, ["native/adler32.c", "native/ring_buffer.rs", "src/config/parseConfigFile.ts", "src/server/requestRouter.ts"]);
  const excluded = await walk(tree, { exclude: ["native/", "*.py"] });
  assert.equal(excluded.skipped.get("native/"), "excluded by exclude option");
  assert.equal(excluded.skipped.get("tools/coverage_report.py"), "excluded by exclude option");
  assert.ok(excluded.files.includes("lib/strings.js"));
});

test("oversized files are reported with the limit", async (t) => {
  const { tree } = await polyglotCopy(t);
  await put(tree, "data/big.txt", "x".repeat(5000));
  const { skipped, files } = await walk(tree, { maxFileBytes: 4096 });
  assert.equal(skipped.get("data/big.txt"), "larger than 4 KiB");
  assert.ok(files.includes("lib/strings.js"));
});

test("symlink loops are reported once and do not hang the walk; file links are followed", async (t) => {
  const { tree } = await polyglotCopy(t);
  await symlink("..", path.join(tree, "native", "back-to-root"));
  await symlink("../lib/strings.js", path.join(tree, "native", "strings-link.js"));
  await symlink("does-not-exist.ts", path.join(tree, "native", "dangling.ts"));
  const { files, skipped } = await walk(tree);
  assert.equal(skipped.get("native/back-to-root/"), "symlink loop");
  assert.ok(files.includes("native/strings-link.js"));
  assert.match(skipped.get("native/dangling.ts") ?? "", /broken symlink/);
});

test("unreadable folders are reported, not fatal", async (t) => {
  const { tree } = await polyglotCopy(t);
  const locked = path.join(tree, "locked");
  await put(tree, "locked/inside.ts", "export const x = 1;\n");
  await chmod(locked, 0o000);
  const { files, skipped } = await walk(tree).finally(() => chmod(locked, 0o755));
  assert.ok(files.includes("lib/strings.js"));
  if (!permissionsApply) {
    t.skip("running as root: permissions do not block reads, so nothing is unreadable");
    return;
  }
  assert.match(skipped.get("locked/") ?? "", /unreadable folder \(EACCES\)/);
});

test("readSource: binary files, unreadable files", async (t) => {
  const { tree } = await polyglotCopy(t);
  const png = path.join(tree, "logo.png");
  await writeFile(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
  assert.deepEqual(await readSource(png), { skippedReason: "binary" });
  const controls = path.join(tree, "controls.dat");
  await writeFile(controls, Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 0x41 : 0x01 + (i % 7)))));
  assert.deepEqual(await readSource(controls), { skippedReason: "binary" });
  assert.deepEqual(await readSource(path.join(tree, "missing.ts")), { skippedReason: "unreadable (ENOENT)" });

  const secret = path.join(tree, "private.ts");
  await writeFile(secret, "export const x = 1;\n");
  await chmod(secret, 0o000);
  const unreadable = await readSource(secret);
  if (!permissionsApply) {
    t.skip("running as root: chmod 000 does not block reads");
    return;
  }
  assert.deepEqual(unreadable, { skippedReason: "unreadable (EACCES)" });
});

test("readSource decodes BOMs, UTF-16, CRLF and invalid UTF-8", async (t) => {
  const { tree } = await polyglotCopy(t);
  const write = async (name: string, bytes: Buffer) => {
    await writeFile(path.join(tree, name), bytes);
    const read = await readSource(path.join(tree, name));
    assert.ok("source" in read, name);
    return read.source;
  };

  const bom = await write("bom.ts", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("const a = 1;\nconst b = 2;\n")]));
  assert.deepEqual(bom.lines, ["const a = 1;", "const b = 2;"]);
  assert.deepEqual(bom.lineStarts, [3, 16, 29]);
  assert.ok(!bom.text.startsWith("\uFEFF"));

  const crlf = await write("crlf.py", Buffer.from("def f():\r\n    return 1\r\n\r\nx = f()"));
  assert.deepEqual(crlf.lines, ["def f():", "    return 1", "", "x = f()"]);
  assert.deepEqual(crlf.lineStarts, [0, 10, 24, 26, 33]);

  const le = await write("le.txt", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("héllo\nwörld\n", "utf16le")]));
  assert.deepEqual(le.lines, ["héllo", "wörld"]);
  assert.deepEqual(le.lineStarts, [2, 14, 26]);

  const beBytes = Buffer.from("ab\ncd", "utf16le").swap16();
  const be = await write("be.txt", Buffer.concat([Buffer.from([0xfe, 0xff]), beBytes]));
  assert.deepEqual(be.lines, ["ab", "cd"]);
  assert.deepEqual(be.lineStarts, [2, 8, 12]);

  const latin1 = await write("latin1.c", Buffer.from([0x2f, 0x2a, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x20, 0x2a, 0x2f, 0x0a, 0x78, 0x0a]));
  assert.deepEqual(latin1.lines, ["/* caf\uFFFD */", "x"]);
});

test("links that resolve outside the root are skipped unless their folder is allowed", async (t) => {
  const { tree } = await polyglotCopy(t);
  const outside = await tempDir(t, "longlens-outside-");
  await put(outside, "shared.ts", "export const shared = 1;\n");
  await put(outside, "lib/util.ts", "export const util = 2;\n");
  await symlink(path.join(outside, "shared.ts"), path.join(tree, "shared.ts"));
  await symlink(path.join(outside, "lib"), path.join(tree, "outside-lib"));
  await symlink("/etc", path.join(tree, "etc_link"));
  await symlink("../lib/strings.js", path.join(tree, "native", "inside-link.js"));

  const closed = await walk(tree);
  assert.equal(closed.skipped.get("shared.ts"), "link outside root");
  assert.equal(closed.skipped.get("outside-lib/"), "link outside root", "a link to a folder is named as a folder");
  assert.equal(closed.skipped.get("etc_link/"), "link outside root");
  assert.ok(!closed.files.some((file) => file.startsWith("etc_link/")), "nothing of /etc is walked");
  assert.ok(closed.files.includes("native/inside-link.js"), "links inside the root are followed");

  const open = await walk(tree, { allowedOutsideRoots: [outside] });
  assert.ok(open.files.includes("shared.ts"));
  assert.ok(open.files.includes("outside-lib/util.ts"));
  assert.equal(open.skipped.get("etc_link/"), "link outside root", "only the named folder is allowed");
});

test("FIFOs, sockets, devices and kernel files are reported as special and never opened", async (t) => {
  const dir = await tempDir(t);
  await put(dir, "a.ts", "export const a = 1;\n");
  execFileSync("mkfifo", [path.join(dir, "pipe")]);
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(path.join(dir, "sock"), resolve));
  t.after(() => server.close());
  await symlink("/dev/zero", path.join(dir, "zero-link"));
  await symlink("/proc/self/environ", path.join(dir, "environ-link"));
  await symlink("/proc/kmsg", path.join(dir, "kmsg-link"));
  const started = Date.now();
  const { files, skipped } = await walk(dir, { allowedOutsideRoots: ["/dev", "/proc"] });
  assert.ok(Date.now() - started < 5000, "the walk returns at once");
  assert.deepEqual(files, ["a.ts"]);
  for (const name of ["pipe", "sock", "zero-link", "environ-link", "kmsg-link"]) assert.equal(skipped.get(name), "special file (never read)", name);
  // Swapped in after the walk: the reader checks again, and a FIFO's open does not wait for a writer.
  assert.deepEqual(await readSource(path.join(dir, "pipe")), { skippedReason: "special file (never read)" });
});

test("secret names: credential files, histories, deploy keys, backup copies, and links judged by their targets", async (t) => {
  const dir = await tempDir(t);
  const secrets = [
    ".aws/config",
    ".aws/credentials",
    "credentials.ini",
    ".bash_history",
    ".zsh_history",
    ".netrc",
    ".pgpass",
    "deploy/deploy_key",
    "keys/github_rsa",
    ".env~",
    "env.bak",
    "dotenv",
    ".env.local.bak",
    "config/prod.env",
    ".kube/config",
  ];
  // Only a file's own name counts: folders named like secrets hold ordinary files.
  const ordinary = ["src/env.ts", "src/keys.ts", "src/dotenv.test.ts", "deploy/deploy_key.md", "notes.txt", "env/index.ts", "credentials/README.md", "api_key/client.ts"];
  for (const name of [...secrets, ...ordinary]) await put(dir, name, "x = 1\n");
  await put(dir, ".env", "TOKEN=1\n");
  await symlink(".env", path.join(dir, "settings.txt"));
  const { files, skipped } = await walk(dir);
  for (const name of [...secrets, "settings.txt"]) assert.equal(skipped.get(name), "possible secret (never indexed)", name);
  assert.deepEqual(files, [...ordinary].sort());
});

test("an ignore pattern that cannot be compiled is reported and skipped; the other rules still apply", async (t) => {
  const dir = await tempDir(t);
  const huge = "a".repeat(200_000);
  await put(dir, ".gitignore", `*.log\n${huge}\n`);
  await put(dir, "sub/.longlensignore", `${"a{1,2}" + "*?".repeat(40_000)}\nsecret-notes.md\n`);
  await put(dir, "server.log", "started\n");
  await put(dir, "sub/secret-notes.md", "# notes\n");
  await put(dir, "sub/kept.ts", "export const kept = 1;\n");
  const warnings: string[] = [];
  const { files, skipped } = await walk(dir, { onWarning: (warning) => warnings.push(warning) });
  assert.deepEqual(files, [".gitignore", "sub/.longlensignore", "sub/kept.ts"]);
  assert.equal(skipped.get("sub/secret-notes.md"), "excluded by longlensignore");
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /^\.gitignore:2: ignore pattern skipped \(.+\): "a{80}"\.\.\.$/);
  assert.match(warnings[1]!, /^sub\/\.longlensignore:1: ignore pattern skipped/);
  for (const warning of warnings) assert.ok(warning.length < 300, "a warning is one short line");
});

test("content secrets: a private key skips the file; token lines are redacted in place, line numbers kept", async (t) => {
  const dir = await tempDir(t);
  const key = ["-----BEGIN OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", "-----END OPENSSH PRIVATE KEY-----"];
  await put(dir, "key.ts", `export const key = \`\n${key.join("\n")}\n\`;\n`);
  assert.deepEqual(await readSource(path.join(dir, "key.ts")), { skippedReason: "secret: holds a private key (never indexed)" });
  const gcp = JSON.stringify({ type: "service_account", private_key: `${key[0]}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n` });
  await put(dir, "sa.json", gcp);
  assert.deepEqual(await readSource(path.join(dir, "sa.json")), { skippedReason: "secret: holds a private key (never indexed)" });
  await put(dir, "pem-parser.ts", 'const HEADER = "-----BEGIN RSA PRIVATE KEY-----";\nexport { HEADER };\n');
  assert.ok("source" in (await readSource(path.join(dir, "pem-parser.ts"))), "a header without a key is code");

  const lines = [
    "export const region = 'eu-west-1';",
    "const accessKeyId = 'AKIAIOSFODNN7EXAMPLE';",
    "const token = getToken(request);",
    `const github = "ghp_${"a1B2c3D4e5".repeat(4)}";`,
    "DB_PASSWORD=hunter22x",
    "export function done() {}",
  ];
  await put(dir, "config.ts", `${lines.join("\n")}\n`);
  const read = await readSource(path.join(dir, "config.ts"));
  assert.ok("source" in read);
  assert.deepEqual(read.source.redactLines, [2, 4, 5]);
  assert.deepEqual(read.source.lines, [lines[0], "[redacted by LongLens]", lines[2], "[redacted by LongLens]", "[redacted by LongLens]", lines[5]]);
  assert.ok(!read.source.text.includes("AKIA") && !read.source.text.includes("ghp_") && !read.source.text.includes("hunter"));
});

test("secret lines: token shapes and credential assignments are found, code that only names them is not", () => {
  // Token-like values are built here, so that this file holds none a scanner could take for real.
  const alnum = (n: number) => "7aB3dE5fG9hJ2kL4mN6pQ8rS1tU3vW5xY7zA9bC2dE4fG6hJ8kL1mN3pQ5rS7tU9".slice(0, n);
  const secrets = [
    `const key = "AKIA${"IOSFODNN7EXAMPLE"}";`,
    `token: gh${"p"}_${alnum(36)}`,
    `"slack": "xox${"b"}-123456789012-abcdefghijkl"`,
    `STRIPE=sk${"_live"}_${alnum(24)}`,
    `const maps = "AI${"za"}Sy${alnum(33)}";`,
    `AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCY${alnum(10)}`,
    "DB_PASSWORD=hunter22x",
    'password: "S3cr3t!x"',
    `    client-key-data: ${Buffer.from(alnum(40)).toString("base64")}`,
    'url = "postgres://admin:pa55word@db.example.com/app"',
    `export const API_TOKEN = "${alnum(32)}";`,
    `    token: ${alnum(48)}`,
  ];
  const code = [
    "const token = getToken(req);",
    "const apiKey = process.env.API_KEY;",
    "password: ${DB_PASSWORD}",
    "const tokenizer = new Tokenizer();",
    "function parseKey(key: string) { return key; }",
    'const header = "-----BEGIN RSA PRIVATE KEY-----";',
    'primaryKey: "id"',
    'password = "password"',
    "password = req.body.password",
    "if (password === hashed) return;",
    "password: string;",
    'export const RESET_PASSWORD_FAILED = "ResetPasswordFailedState";',
    'export const SIGNIN_TOKEN = "/oauth2/v2.0/token";',
    "submitNewPassword: RESET_PASSWORD_V2_SUBMIT,",
    "tokenBindingKeyAlgorithm: JsonWebTokenAlgorithms.ES256,",
  ];
  assert.deepEqual(scanSecrets(secrets.join("\n")).lines, secrets.map((_, i) => i + 1));
  assert.deepEqual(scanSecrets(code.join("\n")).lines, []);
  assert.equal(scanSecrets(code.join("\n")).privateKey, false);

  // Fed in pieces of a few characters, as a stream's reads may cut it, the scanner finds the same lines.
  const scanner = new SecretScanner();
  const text = [...code, ...secrets].join("\n");
  for (let at = 0; at < text.length; at += 5) scanner.feed(text.slice(at, at + 5));
  assert.deepEqual(scanner.end().lines, secrets.map((_, i) => code.length + i + 1));
});
