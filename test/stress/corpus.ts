// The bad-input corpus: every kind of hostile or broken input LongLens must index or skip with a reason,
// never crash on. Everything is generated at test time (large files, FIFOs, sockets, links, permissions).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { chmod, mkdir, open, symlink, truncate, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { type Kind, type Outcome, plant } from "./harness";

const MiB = 1_048_576;
const CHUNK_TEXT_MAX = 2400;

async function put(dir: string, relative: string, contents: string | Uint8Array): Promise<string> {
  const file = path.join(dir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, contents);
  return file;
}

/**
 * Random characters of `alphabet`: secrets that exist only while the test runs, and in no source file. The
 * first character is a digit where the alphabet has one: generated keys nearly always hold digits, and a test
 * must not fail by the chance of a key without one.
 */
function random(length: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"): string {
  const digits = alphabet.replace(/[^0-9]/g, "") || alphabet;
  return [...randomBytes(length)].map((byte, i) => (i === 0 ? digits[byte % digits.length] : alphabet[byte % alphabet.length])).join("");
}

/** A private key block; the shape is split in this source so that no scanner takes the file for a key. */
function privateKey(kind: string): string[] {
  const body = Array.from({ length: 6 }, () => random(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"));
  for (const line of body) plant(line);
  return [`-----BEGIN ${kind}PRIVATE ` + "KEY-----", ...body, `-----END ${kind}PRIVATE ` + "KEY-----"];
}

/** Writes `size` bytes of generated source lines to `file` in pieces, never holding it whole. */
export async function writeLines(file: string, size: number): Promise<void> {
  const handle = await open(file, "w");
  const block = Array.from({ length: 4096 }, (_, i) => `export const value${i} = computeSomething(${i}, "item-${i}"); // line ${i}\n`).join("");
  try {
    for (let written = 0; written < size; written += block.length) await handle.write(block);
  } finally {
    await handle.close();
  }
}

/** A one-line minified bundle of about `size` bytes, written in pieces. */
export async function writeMinified(file: string, size: number): Promise<void> {
  const handle = await open(file, "w");
  const piece = Array.from({ length: 2000 }, (_, i) => `function f${i}(a,b){return a*${i}+b}var v${i}=f${i}(${i},"k${i}");`).join("");
  try {
    for (let written = 0; written < size; written += piece.length) await handle.write(piece);
  } finally {
    await handle.close();
  }
}

const indexed = (files: number, atLeastChunks = 1) => (outcome: Outcome) => {
  assert.equal(outcome.result.files, files, `files indexed (skipped: ${JSON.stringify([...outcome.skipped])})`);
  assert.ok(outcome.result.chunks >= atLeastChunks, `chunks: ${outcome.result.chunks}`);
};

const skippedAs = (expected: Record<string, RegExp>, files = 0) => (outcome: Outcome) => {
  for (const [file, reason] of Object.entries(expected)) assert.match(outcome.skipped.get(file) ?? "(not skipped)", reason, file);
  assert.equal(outcome.result.files, files, `files indexed (skipped: ${JSON.stringify([...outcome.skipped])})`);
};

/** No chunk in the store is longer than a chunk's text may be (a long line is cut, never stored whole). */
function chunksBounded(outcome: Outcome): void {
  for (const chunk of outcome.chunks) assert.ok(chunk.text.length <= CHUNK_TEXT_MAX, `a stored chunk of ${chunk.text.length} characters`);
}

/** The stored text of file line `line` (1-based), from the chunk that holds it whole. */
function storedLine(outcome: Outcome, line: number): string | undefined {
  const chunk = outcome.chunks.find((c) => c.startLine <= line && line <= c.endLine && c.text.split("\n").length === c.endLine - c.startLine + 1);
  return chunk?.text.split("\n")[line - chunk.startLine];
}

/** 520,000 bytes on one line, of characters of 2, 3 and 4 bytes: where a long line is cut, no character may be. */
const MULTI_BYTE_LINE = "函数返回值🚀ÆØÅ_".repeat(20_000); // 26 bytes: pieces fall at every phase

function multiByteCut(outcome: Outcome): void {
  indexed(1, 2)(outcome); // pieces that read alike are stored once
  assert.ok(!outcome.storeText.includes("\ufffd"), "no character is cut in two where the line is cut");
  chunksBounded(outcome);
}

export const KINDS: Kind[] = [
  {
    name: "binary file (PNG header, NUL bytes)",
    build: async (dir) => void (await put(dir, "logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]))),
    check: skippedAs({ "logo.png": /^binary$/ }),
  },
  {
    name: "near-binary file (40% control bytes, no NUL)",
    build: async (dir) => void (await put(dir, "data.bin", Buffer.from(Array.from({ length: 4000 }, (_, i) => (i % 5 < 2 ? 0x01 + (i % 7) : 0x41 + (i % 20)))))),
    check: skippedAs({ "data.bin": /^binary$/ }),
  },
  {
    name: "text with a few control bytes (escape sequences, form feeds)",
    build: async (dir) => void (await put(dir, "colors.sh", "echo -e '\x1b[31mred\x1b[0m'\n\f\nprintf 'bell\x07'\n")),
    check: indexed(1),
  },
  {
    name: "mixed encodings in one file (UTF-8 and Latin-1)",
    build: async (dir) => void (await put(dir, "mixed.c", Buffer.concat([Buffer.from("/* café */\n"), Buffer.from([0x2f, 0x2a, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x20, 0x2a, 0x2f, 0x0a]), Buffer.from("int main(void) { return 0; }\n")]))),
    check: indexed(1),
  },
  {
    name: "invalid UTF-8 (overlong, truncated and lone continuation bytes)",
    build: async (dir) => void (await put(dir, "broken.py", Buffer.concat([Buffer.from("x = '"), Buffer.from([0xc0, 0xaf, 0xe2, 0x82, 0x80, 0xbf]), Buffer.from("'\nprint(x)\n")]))),
    check: indexed(1),
  },
  {
    name: "UTF-16 LE with BOM",
    build: async (dir) => void (await put(dir, "le.ts", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("export const greeting = 'héllo';\n", "utf16le")]))),
    check: indexed(1),
  },
  {
    name: "UTF-16 BE with BOM",
    build: async (dir) => void (await put(dir, "be.ts", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from("export const farewell = 'bye';\n", "utf16le").swap16()]))),
    check: indexed(1),
  },
  {
    name: "UTF-8 BOM with CRLF and CR-only line ends",
    build: async (dir) => {
      await put(dir, "crlf.py", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("def f():\r\n    return 1\r\n")]));
      await put(dir, "classic-mac.txt", "first line\rsecond line\rthird line\r");
    },
    check: indexed(2),
  },
  {
    name: "0-byte and whitespace-only files",
    build: async (dir) => {
      await put(dir, "empty.ts", "");
      await put(dir, "blank.ts", "\n\n   \n\t\n");
    },
    check: (outcome) => {
      assert.equal(outcome.result.files, 2);
      assert.equal(outcome.result.chunks, 0);
    },
  },
  {
    name: "file over the 1 MiB limit inside a folder",
    build: async (dir) => writeLines(path.join(dir, "generated.ts"), 2 * MiB),
    check: skippedAs({ "generated.ts": /^larger than 1 MiB$/ }),
  },
  {
    name: "sparse file of 100 MiB (holes, size without data)",
    build: async (dir) => {
      await writeFile(path.join(dir, "sparse.img"), "");
      await truncate(path.join(dir, "sparse.img"), 100 * MiB);
    },
    check: skippedAs({ "sparse.img": /^larger than 1 MiB$/ }),
  },
  {
    name: "minified one-line bundle (900 KB) with a source map",
    build: async (dir) => {
      await writeMinified(path.join(dir, "bundle.min.js"), 900_000);
      await writeFile(path.join(dir, "bundle.min.js"), "\n//# sourceMappingURL=bundle.min.js.map\n", { flag: "a" });
      await put(dir, "bundle.min.js.map", JSON.stringify({ version: 3, sources: ["a.ts"], mappings: "AAAA;".repeat(50_000) }));
    },
    check: (outcome) => {
      indexed(2, 300)(outcome);
      chunksBounded(outcome);
    },
  },
  {
    name: "Jupyter notebook with an embedded image",
    build: async (dir) => {
      const notebook = {
        cells: [
          { cell_type: "code", source: ["import numpy as np\n", "print(np.arange(3))\n"], outputs: [{ data: { "image/png": randomBytes(60_000).toString("base64") } }] },
          { cell_type: "markdown", source: ["# Results\n"] },
        ],
        nbformat: 4,
      };
      await put(dir, "analysis.ipynb", JSON.stringify(notebook, null, 1));
    },
    check: (outcome) => {
      indexed(1, 2)(outcome);
      chunksBounded(outcome);
    },
  },
  {
    name: "lockfiles (package-lock.json, yarn.lock)",
    build: async (dir) => {
      const packages = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`node_modules/pkg-${i}`, { version: `1.0.${i}`, resolved: `https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.${i}.tgz`, integrity: `sha512-${randomBytes(48).toString("base64")}` }]));
      await put(dir, "package-lock.json", JSON.stringify({ name: "app", lockfileVersion: 3, packages }, null, 2));
      await put(dir, "yarn.lock", Array.from({ length: 500 }, (_, i) => `pkg-${i}@^1.0.0:\n  version "1.0.${i}"\n`).join("\n"));
    },
    check: indexed(2, 10),
  },
  {
    name: "deep path (120 nested folders)",
    build: async (dir) => void (await put(dir, `${Array.from({ length: 120 }, (_, i) => `d${i}`).join("/")}/deep.ts`, "export const deep = true;\n")),
    check: indexed(1),
  },
  {
    name: "file name of 255 bytes",
    build: async (dir) => void (await put(dir, `${"n".repeat(252)}.ts`, "export const long = 1;\n")),
    check: indexed(1),
  },
  {
    name: "names with a newline, control characters, quotes and backslashes",
    build: async (dir) => {
      await put(dir, "line\nbreak.ts", "export const a = 1;\n");
      await put(dir, "bell\x07escape\x1b[31m.ts", "export const b = 2;\n");
      await put(dir, `quote"and\\back'slash.ts`, "export const c = 3;\n");
    },
    check: indexed(3),
  },
  {
    name: "unicode names (emoji, combining accents, right-to-left)",
    build: async (dir) => {
      await put(dir, "🚀 launch.ts", "export const launch = 1;\n");
      await put(dir, "cafe\u0301.ts", "export const cafe = 2;\n");
      await put(dir, "\u05e9\u05dc\u05d5\u05dd.ts", "export const shalom = 3;\n");
    },
    check: indexed(3),
  },
  {
    name: "FIFO (named pipe)",
    build: async (dir) => {
      execFileSync("mkfifo", [path.join(dir, "pipe.ts")]);
      await put(dir, "a.ts", "export const a = 1;\n");
    },
    check: skippedAs({ "pipe.ts": /^special file/ }, 1),
  },
  {
    name: "Unix socket",
    build: async (dir) => {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(path.join(dir, "app.sock"), resolve));
      server.unref(); // the socket file stays for the index run; the server never holds the process open
      await put(dir, "a.ts", "export const a = 1;\n");
    },
    check: skippedAs({ "app.sock": /^special file/ }, 1),
  },
  {
    name: "links to devices (/dev/zero, /dev/random, /dev/null)",
    build: async (dir) => {
      for (const device of ["zero", "random", "null"]) await symlink(`/dev/${device}`, path.join(dir, `${device}.ts`));
    },
    check: skippedAs({ "zero.ts": /^special file/, "random.ts": /^special file/, "null.ts": /^special file/ }),
  },
  {
    name: "links into /proc and /sys (/proc/kmsg, /proc/self/environ, /sys/kernel)",
    build: async (dir) => {
      await symlink("/proc/kmsg", path.join(dir, "kmsg.log"));
      await symlink("/proc/self/environ", path.join(dir, "environ.txt"));
      await symlink("/sys/kernel", path.join(dir, "kernel"));
    },
    check: skippedAs({ "kmsg.log": /^special file/, "environ.txt": /^special file/, "kernel/": /^special file/ }),
  },
  {
    name: "symlink loops (a folder linking to its parent, a link to itself)",
    build: async (dir) => {
      await put(dir, "src/a.ts", "export const a = 1;\n");
      await symlink("..", path.join(dir, "src", "parent"));
      await symlink("self", path.join(dir, "self"));
    },
    check: skippedAs({ "src/parent/": /^symlink loop$/, self: /^symlink loop$/ }, 1),
  },
  {
    name: "symlinks escaping the root (/etc, /, a file elsewhere)",
    build: async (dir) => {
      await symlink("/etc", path.join(dir, "etc_link"));
      await symlink("/", path.join(dir, "root_link"));
      await symlink("/etc/passwd", path.join(dir, "passwd.txt"));
      await put(dir, "a.ts", "export const a = 1;\n");
    },
    check: skippedAs({ "etc_link/": /^link outside root$/, "root_link/": /^link outside root$/, "passwd.txt": /^link outside root$/ }, 1),
  },
  {
    name: "dangling symlink",
    build: async (dir) => void (await symlink("does-not-exist.ts", path.join(dir, "gone.ts"))),
    check: skippedAs({ "gone.ts": /^broken symlink \(ENOENT\)$/ }),
  },
  {
    name: "unreadable file (mode 000, indexed as another user)",
    asNobody: true,
    build: async (dir) => {
      await put(dir, "open.ts", "export const open = 1;\n");
      await chmod(await put(dir, "locked.ts", "export const locked = 2;\n"), 0o000);
    },
    check: skippedAs({ "locked.ts": /^unreadable \(EACCES\)$/ }, 1),
  },
  {
    name: "unreadable folder (mode 000, indexed as another user)",
    asNobody: true,
    build: async (dir) => {
      await put(dir, "open.ts", "export const open = 1;\n");
      await put(dir, "locked/inside.ts", "export const inside = 2;\n");
      await chmod(path.join(dir, "locked"), 0o000);
    },
    check: skippedAs({ "locked/": /^unreadable folder \(EACCES\)$/ }, 1),
  },
  {
    name: "file deleted while the index reads the tree",
    build: async (dir) => {
      for (let i = 0; i < 30; i++) await put(dir, `f${String(i).padStart(2, "0")}.ts`, `export const v${i} = ${i};\n`);
    },
    duringRead: (progress, dir) => {
      if (progress.phase === "read" && progress.filesDone === 0) rmSync(path.join(dir, "f29.ts"));
    },
    check: skippedAs({ "f29.ts": /^unreadable \(ENOENT\)$/ }, 29),
  },
  {
    name: "file replaced by a FIFO while the index reads the tree",
    build: async (dir) => {
      for (let i = 0; i < 30; i++) await put(dir, `f${String(i).padStart(2, "0")}.ts`, `export const v${i} = ${i};\n`);
    },
    duringRead: (progress, dir) => {
      if (progress.phase !== "read" || progress.filesDone !== 0) return;
      rmSync(path.join(dir, "f29.ts"));
      execFileSync("mkfifo", [path.join(dir, "f29.ts")]);
    },
    check: skippedAs({ "f29.ts": /^special file/ }, 29),
  },
  {
    name: "file growing while the index reads the tree",
    build: async (dir) => {
      for (let i = 0; i < 30; i++) await put(dir, `f${String(i).padStart(2, "0")}.ts`, `export const v${i} = ${i};\n`);
    },
    duringRead: (progress, dir) => {
      if (progress.phase === "read" && progress.filesDone === 0) writeFileSync(path.join(dir, "f29.ts"), "export const more = 1;\n".repeat(1000), { flag: "a" });
    },
    check: indexed(30),
  },
  {
    name: ".gitignore line of 200,000 characters, and a pattern that cannot compile",
    build: async (dir) => {
      await put(dir, ".gitignore", `*.log\n${"a".repeat(200_000)}\n${"a{1,2}" + "*?".repeat(40_000)}\n`);
      await put(dir, "server.log", "started\n");
      await put(dir, "a.ts", "export const a = 1;\n");
    },
    check: (outcome) => {
      assert.equal(outcome.result.files, 2, "a.ts and .gitignore; server.log stays ignored");
      assert.equal(outcome.result.warnings?.filter((warning) => /^\.gitignore:[23]: ignore pattern skipped/.test(warning)).length, 2);
    },
  },
  {
    name: "ignore files with 20,000 patterns and an ignore-everything rule",
    build: async (dir) => {
      await put(dir, ".gitignore", Array.from({ length: 20_000 }, (_, i) => `generated-${i}/**/*.tmp`).join("\n"));
      await put(dir, "kept.ts", "export const kept = 1;\n");
      await put(dir, "quiet/.gitignore", "*\n");
      await put(dir, "quiet/hidden.ts", "export const hidden = 1;\n");
    },
    check: (outcome) => {
      assert.equal(outcome.result.files, 2, ".gitignore and kept.ts");
      assert.equal(outcome.skipped.size, 0, "git-ignored files are passed over silently");
    },
  },
  {
    name: "secrets by name (.env and copies, keys, cloud and shell credentials, a link to .env)",
    build: async (dir) => {
      const value = plant(`tok${random(24)}`);
      for (const name of [".env", ".env~", "env.bak", "dotenv", ".env.local.bak", "id_rsa", "deploy/deploy_key", ".aws/credentials", ".aws/config", "credentials.ini", ".bash_history", ".netrc", ".pgpass", "kubeconfig", "server.pem"]) {
        await put(dir, name, `API_TOKEN=${value}\n`);
      }
      await symlink(".env", path.join(dir, "notes.txt"));
    },
    check: (outcome) => {
      assert.equal(outcome.result.files, 0);
      assert.equal(outcome.skipped.size, 16);
      for (const reason of outcome.skipped.values()) assert.equal(reason, "possible secret (never indexed)");
    },
  },
  {
    name: "a secret named on its own as the single file to index (.env, and a link to it)",
    build: async (dir) => {
      await put(dir, ".env", `API_TOKEN=${plant(`tok${random(24)}`)}\n`);
      await symlink(".env", path.join(dir, "settings.txt"));
      return path.join(dir, "settings.txt");
    },
    check: skippedAs({ "settings.txt": /^possible secret/ }),
  },
  {
    name: "secrets by content (AWS, GitHub, Slack, Stripe, Google keys; passwords; private keys; service accounts; kubeconfig)",
    build: async (dir) => {
      const aws = plant(`AKIA${random(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`);
      const awsSecret = plant(random(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"));
      const github = plant(`gh${"p"}_${random(36)}`);
      const slack = plant(`xox${"b"}-${random(12, "0123456789")}-${random(24)}`);
      const stripe = plant(`sk${"_live"}_${random(24)}`);
      const google = plant(`AI${"za"}${random(35)}`);
      const password = plant(`pw${random(10)}`);
      await put(dir, "src/aws.ts", `export const region = "eu-west-1";\nconst accessKeyId = "${aws}";\nconst secretAccessKey = "${awsSecret}";\nexport function client() { return region; }\n`);
      await put(dir, "config.json", JSON.stringify({ name: "app", github: { token: github }, slack: { bot: slack }, billing: stripe, maps: google }, null, 2));
      await put(dir, "settings.py", `DEBUG = False\nDB_PASSWORD = "${password}"\nALLOWED_HOSTS = ["*"]\n`);
      await put(dir, "src/key.ts", `export const deployKey = \`\n${privateKey("OPENSSH ").join("\n")}\n\`;\n`);
      const account = { type: "service_account", project_id: "demo", private_key_id: random(40, "0123456789abcdef"), private_key: `${privateKey("").join("\n")}\n` };
      await put(dir, "gcp-service-account.json", JSON.stringify(account, null, 2));
      const clientKey = plant(Buffer.from(random(64)).toString("base64"));
      const kubeToken = plant(random(48));
      await put(dir, "deploy/cluster.yaml", `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: ${clientKey}\n    token: ${kubeToken}\n`);
    },
    check: (outcome) => {
      assert.equal(outcome.skipped.get("src/key.ts"), "secret: holds a private key (never indexed)");
      assert.equal(outcome.skipped.get("gcp-service-account.json"), "secret: holds a private key (never indexed)");
      assert.equal(outcome.result.files, 4, "aws.ts, config.json, settings.py and cluster.yaml are indexed, their secret lines redacted");
      assert.ok(outcome.storeText.includes("[redacted by LongLens]"));
      assert.ok(outcome.storeText.includes("eu-west-1") && outcome.storeText.includes("ALLOWED_HOSTS"), "the other lines are indexed");
    },
  },
  {
    name: "secrets inside a single file over 1 MiB (streamed)",
    build: async (dir) => {
      const file = path.join(dir, "dump.sql");
      await writeLines(file, 1.1 * MiB);
      const token = plant(`gh${"o"}_${random(36)}`);
      await writeFile(file, `-- deployed with ${token}\nSELECT 1;\n`, { flag: "a" });
      return file;
    },
    check: (outcome) => {
      indexed(1, 100)(outcome);
      const last = Math.max(...outcome.chunks.map((chunk) => chunk.endLine));
      assert.equal(storedLine(outcome, last - 1), "[redacted by LongLens]", "the token's line is redacted where it was");
      assert.equal(storedLine(outcome, last), "SELECT 1;", "the next line keeps its number and text");
    },
  },
  {
    name: "private key at the end of a single file over 1 MiB (streamed)",
    build: async (dir) => {
      const file = path.join(dir, "backup.txt");
      await writeLines(file, 1.1 * MiB);
      await writeFile(file, `${privateKey("RSA ").join("\n")}\n`, { flag: "a" });
      return file;
    },
    check: skippedAs({ "backup.txt": /^secret: holds a private key/ }),
  },
  {
    name: "one-line file of multi-byte characters (CJK, emoji), 500 KB, read whole",
    build: async (dir) => void (await put(dir, "cjk.txt", MULTI_BYTE_LINE)),
    check: multiByteCut,
  },
  {
    name: "one-line file of multi-byte characters (CJK, emoji), 3 MB, streamed",
    build: async (dir) => put(dir, "cjk.txt", MULTI_BYTE_LINE.repeat(6)),
    check: multiByteCut,
  },
  {
    name: "20,000 tiny files",
    heavy: true,
    build: async (dir) => {
      for (let folder = 0; folder < 100; folder++) {
        await mkdir(path.join(dir, `pkg${folder}`));
        await Promise.all(Array.from({ length: 200 }, (_, i) => writeFile(path.join(dir, `pkg${folder}`, `m${i}.js`), `module.exports = ${folder * 200 + i};\n`)));
      }
    },
    check: indexed(20_000),
  },
  {
    name: "single file of 200 MB (streamed)",
    heavy: true,
    measured: true,
    build: async (dir) => {
      const file = path.join(dir, "huge.ts");
      await writeLines(file, 200 * MiB);
      return file;
    },
    check: indexed(1, 1000),
  },
  {
    name: "single one-line minified file of 30 MB (streamed, cut into pieces)",
    heavy: true,
    measured: true,
    build: async (dir) => {
      const file = path.join(dir, "bundle.min.js");
      await writeMinified(file, 30 * MiB);
      return file;
    },
    check: (outcome) => {
      indexed(1, 1000)(outcome); // the bundle repeats itself: pieces that read alike are stored once
      chunksBounded(outcome);
    },
  },
];
