import path from "node:path";
import ignore from "ignore";

/** Why a file whose name marks it as a credential store is passed over. */
export const SECRET_NAME_REASON = "possible secret (never indexed)";

/**
 * Files that usually hold credentials. They are never indexed unless git already ignores them (then they are
 * silently passed over like any other ignored file); otherwise they are reported as skipped.
 */
const SECRET_PATTERNS = [
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
  "**/.aws/config",
  "**/.kube/config",
  "**/.docker/config.json",
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

/** Suffixes of backup and editor copies: `env.bak` or `.env~` is as secret as what it copies. */
const COPY_SUFFIX = /(?:~|\.(?:bak|backup|old|orig|save|copy|swp|tmp))$/i;

const secrets = ignore().add(SECRET_PATTERNS);

/**
 * True when a file's path (relative to the folder it was found in, forward slashes) marks it as a likely secret,
 * also once backup suffixes are taken off its name.
 */
export function looksLikeSecret(relativePath: string): boolean {
  for (let name = relativePath; name !== "" && !name.endsWith("/"); name = name.replace(COPY_SUFFIX, "")) {
    if (secrets.ignores(name)) return true;
    if (!COPY_SUFFIX.test(name)) return false;
  }
  return false;
}

/** looksLikeSecret for a link: its own path, or the path it resolves to (relative to `targetBase`). */
export function linkLooksLikeSecret(relativePath: string, targetAbs: string, targetBase: string): boolean {
  return looksLikeSecret(relativePath) || looksLikeSecret(path.relative(targetBase, targetAbs).split(path.sep).join("/"));
}
