import type { NewTask, TaskPatch } from "./taskStore.js";

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const MAX_TITLE_LENGTH = 200;
const MAX_NOTES_LENGTH = 4000;
// Deliberately loose: the mail server is the real judge of an address, this only catches typos.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkTitle(value: unknown, errors: string[]): void {
  if (typeof value !== "string" || value.trim() === "") errors.push("title must be a non-empty string");
  else if (value.length > MAX_TITLE_LENGTH) errors.push(`title must be at most ${MAX_TITLE_LENGTH} characters`);
}

function checkNotes(value: unknown, errors: string[]): void {
  if (typeof value !== "string") errors.push("notes must be a string");
  else if (value.length > MAX_NOTES_LENGTH) errors.push(`notes must be at most ${MAX_NOTES_LENGTH} characters`);
}

function checkEmail(value: unknown, errors: string[]): void {
  if (typeof value !== "string" || !EMAIL_PATTERN.test(value)) errors.push("assigneeEmail must be an email address");
}

/** Due dates must be full ISO timestamps in the future; a date without a time is ambiguous across time zones. */
function checkDueAt(value: unknown, errors: string[], now: Date): void {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    errors.push("dueAt must be an ISO 8601 timestamp such as 2025-03-14T16:00:00Z");
  } else if (Date.parse(value) <= now.getTime()) {
    errors.push("dueAt must be in the future");
  }
}

export function validateNewTask(body: unknown, now = new Date()): Validated<NewTask> {
  if (!isRecord(body)) return { ok: false, errors: ["request body must be a JSON object"] };
  const errors: string[] = [];
  checkTitle(body.title, errors);
  checkNotes(body.notes ?? "", errors);
  checkEmail(body.assigneeEmail, errors);
  checkDueAt(body.dueAt, errors, now);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      title: (body.title as string).trim(),
      notes: (body.notes as string | undefined) ?? "",
      assigneeEmail: (body.assigneeEmail as string).toLowerCase(),
      dueAt: new Date(body.dueAt as string).toISOString(),
    },
  };
}

/** A patch may change any editable field; unknown fields are refused so typos do not pass silently. */
export function validateTaskPatch(body: unknown, now = new Date()): Validated<TaskPatch> {
  if (!isRecord(body)) return { ok: false, errors: ["request body must be a JSON object"] };
  const errors: string[] = [];
  const allowed = new Set(["title", "notes", "assigneeEmail", "dueAt", "done"]);
  for (const key of Object.keys(body)) if (!allowed.has(key)) errors.push(`unknown field "${key}"`);
  if ("title" in body) checkTitle(body.title, errors);
  if ("notes" in body) checkNotes(body.notes, errors);
  if ("assigneeEmail" in body) checkEmail(body.assigneeEmail, errors);
  if ("dueAt" in body) checkDueAt(body.dueAt, errors, now);
  if ("done" in body && typeof body.done !== "boolean") errors.push("done must be true or false");
  if (errors.length > 0) return { ok: false, errors };

  const patch: TaskPatch = { ...(body as TaskPatch) };
  if (patch.title !== undefined) patch.title = patch.title.trim();
  if (patch.assigneeEmail !== undefined) patch.assigneeEmail = patch.assigneeEmail.toLowerCase();
  if (patch.dueAt !== undefined) patch.dueAt = new Date(patch.dueAt).toISOString();
  return { ok: true, value: patch };
}
