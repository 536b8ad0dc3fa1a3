import type { IncomingMessage, ServerResponse } from "node:http";
import { readJsonBody, sendJson } from "./http.js";
import { computeReminderTime, dueReminders, type ReminderSettings } from "./reminders.js";
import type { TaskStore } from "./taskStore.js";
import { validateNewTask, validateTaskPatch } from "./validation.js";

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  store: TaskStore;
  reminders: ReminderSettings;
  maxBodyBytes: number;
}

type Handler = (context: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

/** Turns "/tasks/:id" into a regular expression with a named group per parameter. */
function route(method: string, path: string, handler: Handler): Route {
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, "(?<$1>[^/]+)")}$`);
  return { method, pattern, handler };
}

function notFound(res: ServerResponse, id: string): void {
  sendJson(res, 404, { error: `no task with id ${id}` });
}

export const routes: Route[] = [
  route("GET", "/health", ({ res }) => sendJson(res, 200, { status: "ok" })),

  route("GET", "/tasks", ({ res, url, store }) => {
    const tasks = store.list({
      assigneeEmail: url.searchParams.get("assignee") ?? undefined,
      includeDone: url.searchParams.get("includeDone") === "true",
    });
    sendJson(res, 200, { tasks });
  }),

  route("POST", "/tasks", async ({ req, res, store, reminders, maxBodyBytes }) => {
    const result = validateNewTask(await readJsonBody(req, maxBodyBytes));
    if (!result.ok) return sendJson(res, 422, { errors: result.errors });
    const remindAt = computeReminderTime(new Date(result.value.dueAt), reminders);
    sendJson(res, 201, store.create(result.value, remindAt));
  }),

  route("GET", "/tasks/:id", ({ res, params, store }) => {
    const task = store.get(params.id);
    return task ? sendJson(res, 200, task) : notFound(res, params.id);
  }),

  route("PATCH", "/tasks/:id", async ({ req, res, params, store, reminders, maxBodyBytes }) => {
    const result = validateTaskPatch(await readJsonBody(req, maxBodyBytes));
    if (!result.ok) return sendJson(res, 422, { errors: result.errors });
    // Moving the due date moves the reminder, and a reminder already sent for the old date is sent again.
    const remindAt = result.value.dueAt ? computeReminderTime(new Date(result.value.dueAt), reminders) : undefined;
    const task = store.update(params.id, result.value, remindAt);
    return task ? sendJson(res, 200, task) : notFound(res, params.id);
  }),

  route("DELETE", "/tasks/:id", ({ res, params, store }) => {
    if (!store.remove(params.id)) return notFound(res, params.id);
    res.writeHead(204).end();
  }),

  // Used by the reminder worker: what to send now, and confirmation once it has been sent.
  route("GET", "/reminders/due", ({ res, store }) => sendJson(res, 200, { tasks: dueReminders(store.all()) })),

  route("POST", "/tasks/:id/reminder-sent", ({ res, params, store }) => {
    const task = store.markReminderSent(params.id);
    return task ? sendJson(res, 200, task) : notFound(res, params.id);
  }),
];

/** The route for a request and its path parameters; `allowed` lists methods when only the method is wrong. */
export function matchRoute(method: string, pathname: string): { route?: Route; params: Record<string, string>; allowed: string[] } {
  const allowed: string[] = [];
  for (const candidate of routes) {
    const match = candidate.pattern.exec(pathname);
    if (!match) continue;
    if (candidate.method === method) return { route: candidate, params: { ...match.groups }, allowed };
    allowed.push(candidate.method);
  }
  return { params: {}, allowed };
}
