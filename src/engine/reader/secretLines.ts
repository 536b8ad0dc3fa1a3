/** What replaces a line that holds a secret: the line count (so every line number) stays as it was. */
export const REDACTED_LINE = "[redacted by LongLens]";

/** Why a file holding a private key is passed over. */
export const PRIVATE_KEY_REASON = "secret: holds a private key (never indexed)";

/** Token shapes that are secrets wherever they appear, whatever they are assigned to; one pass finds them all. */
const TOKEN_SHAPES = new RegExp(
  [
    /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/, // AWS access key ids
    /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/, // GitHub tokens
    /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/,
    /\bxox[abposr]-[A-Za-z0-9-]{10,}/, // Slack tokens
    /hooks\.slack\.com\/services\/T[A-Za-z0-9_]+\/B[A-Za-z0-9_]+\/[A-Za-z0-9_]+/,
    /\b[rs]k_live_[A-Za-z0-9]{20,}\b/, // Stripe live keys
    /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API keys
    /\bnpm_[A-Za-z0-9]{36}\b/, // npm tokens
    /\b(?:client-key-data|id-token|refresh-token)[ \t]*:[ \t]*\S{16,}/, // kubeconfig credentials
    /\b[A-Za-z][A-Za-z0-9+.-]{0,15}:\/\/[^\s:@/'"`]{1,256}:[^\s@/'"`]{3,256}@[\w-]/, // passwords in URLs (connection strings)
  ]
    .map((shape) => shape.source)
    .join("|"),
  "g",
);

/**
 * `name = value`, `name: value`, `"name": "value"`, `NAME=value` where the name ends in a word that says it holds
 * a credential (`DB_PASSWORD`, `apiKey`, `client_secret`; not `tokenizer` or `PasswordInput`). Group 1 is that
 * word, group 2 the opening quote if any, group 3 the value. Every repetition is bounded: linear time on any line.
 */
const ASSIGNMENT =
  /(secret|token|passw(?:or)?d|pwd|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?key|auth[_-]?key|_key|credentials?)["']?[ \t]{0,8}(?::=|=>|[:=](?!=))[ \t]{0,8}(["'`]?)([^\s"'`,;]{1,512})/gi;

/** Names that mark a password rather than a random token: a shorter value counts. */
const PASSWORD_NAME = /passw(?:or)?d|pwd/i;
/** Values of a token-like look (base64, hex, URL-safe). Expressions and calls do not look like this. */
const TOKEN_VALUE = /^[A-Za-z0-9+/=_~.-]+$/;
/** Unquoted, `a.b.c` and `SOME_CONSTANT` are code that reads a value (`req.body.password`), not the value. */
const CODE_REFERENCE = /^(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)$/;
/** Words and identifiers (`string`, `reset_password_required`): a password of letters alone is not told from them. */
const LETTERS_ONLY = /^[A-Za-z_-]+$/;
/** Paths and URLs (`/oauth2/v2.0/token`, `./keys`, `https://...`) name where a secret is, not the secret. */
const LOCATION = /^\.{0,2}\/|:\/\//;
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
  if (PLACEHOLDER.test(value) || LOCATION.test(value) || LETTERS_ONLY.test(value)) return false;
  if (PASSWORD_NAME.test(name)) return value.length >= 6 && (quoted || (TOKEN_VALUE.test(value) && !CODE_REFERENCE.test(value)));
  return value.length >= 20 && TOKEN_VALUE.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value) && entropy(value) >= 3.3;
}

/** A PEM or OpenSSH private key header; the key itself follows it, on the next lines or after a `\n` escape. */
const PRIVATE_KEY_HEADER = /-----BEGIN (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)?-----/g;
/**
 * Key material right after a header: a long base64 run, after an escaped line break (a key inside JSON) or after
 * the line break, blank lines and `Proc-Type: ...` fields of an encrypted key. A header alone, as in code that
 * parses keys, is no key.
 */
const KEY_AFTER_HEADER = /(?:(?:\\r)?\\n|[ \t]*\r?\n(?:[ \t]*\r?\n|[\w-]{1,40}: [^\n]*\n){0,8}[ \t]*)[A-Za-z0-9+/=]{40}/y;
/** The same, at the start of the text after a header that ended the previous piece. */
const KEY_AT_START = /(?:[ \t]*\r?\n|[\w-]{1,40}: [^\n]*\n){0,8}[ \t]*[A-Za-z0-9+/=]{40}/y;
/** A header this close to the end of a piece may have its key in the next one. */
const HEADER_REACH = 1024;

/** Lines longer than this are scanned in pieces (a 30 MB one-line bundle is never one string of its own). */
const MAX_PIECE_CHARS = 65_536;
/** Characters of a cut line kept with its next piece, so a token across the cut is still seen whole. */
const PIECE_OVERLAP = 512;

/**
 * Finds the lines of a text that hold secrets, and private keys, fed in pieces of any size (a whole file, or
 * the reads of a stream). Lines are counted from 1 as the reader counts them: a line ends at a line feed.
 * Each piece of whole lines is searched as one string, never split into lines.
 */
export class SecretScanner {
  /** 1-based numbers of the lines to redact, ascending. */
  readonly lines: number[] = [];
  privateKey = false;
  /** Number of the first line not yet scanned. */
  private line = 1;
  /** The start of a line whose end has not been fed yet. */
  private partial = "";
  private headerAtEnd = false;

  feed(text: string): void {
    const lastBreak = text.lastIndexOf("\n");
    if (lastBreak >= 0) {
      this.scan(this.partial + text.slice(0, lastBreak + 1));
      this.partial = text.slice(lastBreak + 1);
    } else {
      this.partial += text;
    }
    while (this.partial.length > MAX_PIECE_CHARS) {
      this.scan(this.partial.slice(0, MAX_PIECE_CHARS));
      this.partial = this.partial.slice(MAX_PIECE_CHARS - PIECE_OVERLAP);
    }
  }

  /** Scans the last line (one without a line break). */
  end(): this {
    if (this.partial !== "") this.scan(this.partial);
    this.partial = "";
    return this;
  }

  /** Scans `region`, which starts at the start of line `this.line`, and moves past its lines. */
  private scan(region: string): void {
    if (this.headerAtEnd) {
      KEY_AT_START.lastIndex = 0;
      if (KEY_AT_START.test(region)) this.privateKey = true;
      this.headerAtEnd = false;
    }
    for (const header of region.matchAll(PRIVATE_KEY_HEADER)) {
      const end = header.index + header[0].length;
      KEY_AFTER_HEADER.lastIndex = end;
      if (KEY_AFTER_HEADER.test(region)) this.privateKey = true;
      else if (region.length - end < HEADER_REACH) this.headerAtEnd = true;
    }
    const offsets: number[] = [];
    for (const shape of region.matchAll(TOKEN_SHAPES)) offsets.push(shape.index);
    for (const match of region.matchAll(ASSIGNMENT)) if (secretValue(match[1]!, match[2] !== "", match[3]!)) offsets.push(match.index);
    this.record(region, offsets.sort((a, b) => a - b));
  }

  /** Records the lines that hold the characters at `offsets` (ascending) of `region`, then moves past its lines. */
  private record(region: string, offsets: readonly number[]): void {
    let line = this.line;
    let at = 0;
    const advanceTo = (limit: number): void => {
      for (let next = region.indexOf("\n", at); next >= 0 && next < limit; next = region.indexOf("\n", at)) {
        line++;
        at = next + 1;
      }
    };
    for (const offset of offsets) {
      advanceTo(offset);
      if (this.lines[this.lines.length - 1] !== line) this.lines.push(line);
    }
    advanceTo(region.length);
    this.line = line;
  }
}

/** The lines of a whole text that hold secrets, and whether it holds a private key. */
export function scanSecrets(text: string): SecretScanner {
  const scanner = new SecretScanner();
  scanner.feed(text);
  return scanner.end();
}
