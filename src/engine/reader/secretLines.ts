/** What replaces a line that holds a secret: the line count (so every line number) stays as it was. */
export const REDACTED_LINE = "[redacted by LongLens]";

/** Why a file holding a private key is passed over. */
export const PRIVATE_KEY_REASON = "secret: holds a private key (never indexed)";

/** Token shapes that are secrets wherever they appear, whatever they are assigned to. */
const TOKEN_SHAPES: readonly RegExp[] = [
  /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/, // AWS access key ids
  /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/, // Slack tokens
  /hooks\.slack\.com\/services\/T[A-Za-z0-9_]+\/B[A-Za-z0-9_]+\/[A-Za-z0-9_]+/,
  /\b[rs]k_live_[A-Za-z0-9]{20,}\b/, // Stripe live keys
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API keys
  /\bnpm_[A-Za-z0-9]{36}\b/, // npm tokens
  /\b(?:client-key-data|id-token|refresh-token)\s*:\s*\S{16,}/, // kubeconfig credentials
  /\b[a-z][a-z0-9+.-]{0,15}:\/\/[^\s:@/'"`]{1,256}:[^\s@/'"`]{3,256}@[\w-]/i, // passwords in URLs (database connection strings)
];

/** Cheap test that most lines fail: only lines it accepts are checked against the shapes above. */
const MAYBE_SECRET = /AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|xox|hooks\.slack|k_live_|AIza|npm_|-data|-token|:\/\/|secret|token|key|pass|pwd|credential|auth/i;

/**
 * `name = value`, `name: value`, `"name": "value"`, `NAME=value` where the name says it holds a credential.
 * Group 1 is the word of the name that says so, group 2 the opening quote if any, group 3 the value. Every repetition is bounded, so a long line
 * costs linear time.
 */
const ASSIGNMENT =
  /(secret|token|passw(?:or)?d|pwd|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?key|auth[_-]?key|_key|credentials?)[\w.-]{0,40}["']?\s{0,8}(?::=|[:=]|=>)\s{0,8}(["'`]?)([^\s"'`,;]{1,512})/gi;

/** Names that mark a password rather than a random token: any value of some length counts. */
const PASSWORD_NAME = /passw(?:or)?d|pwd/i;
/** Values of a token-like look (base64, hex, URL-safe). Expressions, paths and calls do not look like this. */
const TOKEN_VALUE = /^[A-Za-z0-9+/=_~.-]+$/;
/** An unquoted `a.b.c` is code that reads a value (`req.body.password`), not the value. */
const PROPERTY_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
/** Placeholders that stand for a value instead of being one. */
const PLACEHOLDER = /^(?:\$|<|\{|%|x{3,}|\*{3,}|changeme|password|secret|none|null|true|false|undefined)/i;

/** Shannon entropy of `text` in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / text.length) * Math.log2(count / text.length);
  return bits;
}

/** True when `value`, assigned to a credential name, looks like a real secret rather than code or a placeholder. */
function secretValue(name: string, quoted: boolean, value: string): boolean {
  if (PLACEHOLDER.test(value)) return false;
  if (PASSWORD_NAME.test(name)) {
    const literal = quoted || (TOKEN_VALUE.test(value) && !PROPERTY_PATH.test(value));
    return literal && value.length >= 6 && entropy(value) >= 2.3;
  }
  return value.length >= 16 && TOKEN_VALUE.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value) && entropy(value) >= 3.3;
}

/** True when a line holds a secret that must not reach the index. */
export function lineHoldsSecret(line: string): boolean {
  if (!MAYBE_SECRET.test(line)) return false;
  if (TOKEN_SHAPES.some((shape) => shape.test(line))) return true;
  for (const [, name, quote, value] of line.matchAll(ASSIGNMENT)) if (secretValue(name!, quote !== "", value!)) return true;
  return false;
}

/** A PEM or OpenSSH private key header; the key itself follows it, on the next lines or after a `\n` escape. */
const PRIVATE_KEY_HEADER = /-----BEGIN (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)?-----/;
/** Key material: a long base64 run (a header alone, as in code that parses keys, is no key). */
const KEY_BODY = /^[A-Za-z0-9+/=]{40}/;
/** What may stand between a header and the key: blank lines and `Proc-Type: ...`-style fields of encrypted keys. */
const KEY_PREAMBLE = /^(?:[\w-]{1,40}: .*)?$/;
const ESCAPED_NEWLINE = /^(?:\\r)?\\n/;

/** Lines longer than this are scanned in pieces (a 30 MB one-line bundle is never one string of its own). */
const MAX_PIECE_CHARS = 65_536;
/** Characters of a cut line kept with its next piece, so a token across the cut is still seen whole. */
const PIECE_OVERLAP = 512;

/**
 * Finds the lines of a text that hold secrets, and private keys, fed in pieces of any size (a whole file, or
 * the reads of a stream). Lines are counted from 1 as the reader counts them: a line ends at a line feed.
 */
export class SecretScanner {
  /** 1-based numbers of the lines to redact, ascending. */
  readonly lines: number[] = [];
  privateKey = false;
  private line = 1;
  private partial = "";
  private afterHeader = false;

  feed(text: string): void {
    let from = 0;
    for (let end = text.indexOf("\n", from); end >= 0; end = text.indexOf("\n", from)) {
      this.scanLine(this.partial + text.slice(from, end));
      this.partial = "";
      this.line++;
      from = end + 1;
    }
    this.partial += text.slice(from);
    while (this.partial.length > MAX_PIECE_CHARS) {
      this.scanLine(this.partial.slice(0, MAX_PIECE_CHARS));
      this.partial = this.partial.slice(MAX_PIECE_CHARS - PIECE_OVERLAP);
    }
  }

  /** Scans the last line (one without a line break). */
  end(): this {
    if (this.partial !== "") this.scanLine(this.partial);
    this.partial = "";
    return this;
  }

  private scanLine(line: string): void {
    if (this.afterHeader) {
      const trimmed = line.trim();
      if (KEY_BODY.test(trimmed)) this.privateKey = true;
      this.afterHeader = KEY_PREAMBLE.test(trimmed);
    }
    const header = PRIVATE_KEY_HEADER.exec(line);
    if (header) {
      this.afterHeader = true;
      const rest = line.slice(header.index + header[0].length);
      const escaped = ESCAPED_NEWLINE.exec(rest);
      if (escaped && KEY_BODY.test(rest.slice(escaped[0].length))) this.privateKey = true;
    }
    if (lineHoldsSecret(line) && this.lines[this.lines.length - 1] !== this.line) this.lines.push(this.line);
  }
}

/** The lines of a whole text that hold secrets, and whether it holds a private key. */
export function scanSecrets(text: string): SecretScanner {
  const scanner = new SecretScanner();
  scanner.feed(text);
  return scanner.end();
}
