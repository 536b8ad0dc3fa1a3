import path from "node:path";
import ignore from "ignore";

/** Why a file whose name marks it as a credential store is passed over. */
export const SECRET_NAME_REASON = "possible secret (never indexed)";

/**
 * Names of files that usually hold credentials. They are never indexed unless git already ignores them (then
 * they are silently passed over like any other ignored file); otherwise they are reported as skipped. Only a
 * file's own name is matched: a folder named `env` or `credentials` holds ordinary files.
 */
const SECRET_NAMES = [
  ".env",
  ".env*",
  "env",
  "dotenv",
  ".dotenv",
  "*.env",
  "*.pem",
  "*.key",
  "*.p12",
  "*.pfx",
  "*.ppk",
  "*.keystore",
  "*.jks",
  "*.kdbx",
  "*.tfstate",
  "id_rsa*",
  "id_dsa*",
  "id_ecdsa*",
  "id_ed25519*",
  // Deploy keys and other private keys saved without an extension (`deploy_key`, `github_rsa`).
  "*_key",
  "*_rsa",
  "*_dsa",
  "*_ecdsa",
  "*_ed25519",
  "credentials",
  "credentials.json",
  "credentials.ini",
  "kubeconfig",
  ".npmrc",
  ".pypirc",
  ".netrc",
  "_netrc",
  ".pgpass",
  ".git-credentials",
  ".htpasswd",
  // Shell and REPL histories hold pasted tokens and passwords.
  ".*_history",
];

/** Files whose name is ordinary but whose folder makes them credentials: `<folder>/<name>`. */
const SECRET_PLACES = new Set([".aws/config", ".aws/credentials", ".kube/config", ".docker/config.json"]);

/** Suffixes of backup and editor copies: `env.bak` or `.env~` is as secret as what it copies. */
const COPY_SUFFIX = /(?:~|\.(?:bak|backup|old|orig|save|copy|swp|tmp))$/i;

const secretNames = ignore().add(SECRET_NAMES);

/** True when a file name (no folders), once backup suffixes are taken off, marks a likely secret. */
function secretName(name: string): boolean {
  for (let base = name; base !== ""; base = base.replace(COPY_SUFFIX, "")) {
    if (secretNames.ignores(base)) return true;
    if (!COPY_SUFFIX.test(base)) return false;
  }
  return false;
}

/** True when a file's path (relative, forward slashes) marks it as a likely secret, by its name or its place. */
export function looksLikeSecret(relativePath: string): boolean {
  const parts = relativePath.split("/");
  return secretName(parts[parts.length - 1]!) || SECRET_PLACES.has(parts.slice(-2).join("/"));
}

/** looksLikeSecret for a link (or any path): its own path, or the path it resolves to. */
export function linkLooksLikeSecret(relativePath: string, targetAbs: string): boolean {
  return looksLikeSecret(relativePath) || looksLikeSecret(targetAbs.split(path.sep).join("/"));
}
