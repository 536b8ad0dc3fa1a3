import { createServer } from "node:http";
import { requireApiToken } from "./auth.js";
import { loadConfig } from "./config.js";
import { HttpError, sendJson } from "./http.js";
import { matchRoute } from "./routes.js";
import { TaskStore } from "./taskStore.js";

const config = loadConfig();
const store = new TaskStore(config.store.dataFile);
store.load();
const checkApiToken = requireApiToken(config.apiToken);

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  if (!checkApiToken(req, res, url.pathname)) return;

  const { route, params, allowed } = matchRoute(req.method ?? "GET", url.pathname);
  if (!route) {
    if (allowed.length > 0) res.setHeader("Allow", allowed.join(", "));
    return sendJson(res, allowed.length > 0 ? 405 : 404, { error: `no route for ${req.method} ${url.pathname}` });
  }
  try {
    await route.handler({ req, res, url, params, store, reminders: config.reminders, maxBodyBytes: config.server.maxBodyBytes });
  } catch (error) {
    if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message });
    console.error(`${req.method} ${url.pathname} failed:`, error);
    if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
  }
});

// The server listens on the port from config/taskboard.json (8087), or TASKBOARD_PORT when that is set.
server.listen(config.server.port, config.server.host, () => {
  console.log(`taskboard API listening on http://${config.server.host}:${config.server.port}`);
});

// Let in-flight requests finish on a deploy; the store writes synchronously, so nothing is lost.
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
});
