import ignore from "ignore";

/**
 * Files that usually hold credentials. They are never indexed unless git already ignores them (then they are
 * silently passed over like any other ignored file); otherwise they are reported as skipped.
 */
const SECRET_PATTERNS = [
  ".env",
  ".env.*",
  "*.pem",
  "*.key",
  "*.p12",
  "*.pfx",
  "*.keystore",
  "*.jks",
  "id_rsa*",
  "id_dsa*",
  "id_ecdsa*",
  "id_ed25519*",
  "credentials",
  "credentials.json",
  ".npmrc",
  ".pypirc",
  ".netrc",
  ".htpasswd",
  "*.kdbx",
];

const secrets = ignore().add(SECRET_PATTERNS);

/** True when a walked file's name marks it as a likely secret. */
export function looksLikeSecret(relativePath: string): boolean {
  return secrets.ignores(relativePath);
}
