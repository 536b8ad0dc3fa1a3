import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "./http.js";

/** Paths a load balancer may call without a token. */
const PUBLIC_PATHS = new Set(["/health"]);

/** True when the request may go on; otherwise a 401 has already been sent. */
export type AuthCheck = (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean;

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

/**
 * Auth middleware: the API token is checked here on every request except the public paths. Clients send
 * `Authorization: Bearer <token>`; the expected token comes from the config (TASKBOARD_API_TOKEN).
 */
export function requireApiToken(expectedToken: string): AuthCheck {
  const expectedDigest = digest(expectedToken);
  return (req, res, pathname) => {
    if (PUBLIC_PATHS.has(pathname)) return true;
    const token = bearerToken(req.headers.authorization);
    // Compare fixed-length digests in constant time, so response timing reveals nothing about the token.
    if (token !== undefined && timingSafeEqual(digest(token), expectedDigest)) return true;
    res.setHeader("WWW-Authenticate", 'Bearer realm="taskboard"');
    sendJson(res, 401, { error: "missing or invalid API token" });
    return false;
  };
}
