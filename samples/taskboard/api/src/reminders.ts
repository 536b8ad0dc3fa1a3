import type { Task } from "./taskStore.js";

export interface ReminderSettings {
  /** How long before a task is due its assignee gets an email. */
  reminderLeadMinutes: number;
  /** Hours (UTC, 0-23) between which no reminder goes out; start may be later than end (overnight). */
  quietHoursUtc: { start: number; end: number };
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * The reminder time is computed from the due date minus the configured lead time. A reminder that would
 * land in quiet hours is moved earlier, to when quiet hours begin, so a task due at 07:30 is announced the
 * evening before rather than at 06:45.
 */
export function computeReminderTime(dueAt: Date, settings: ReminderSettings, now = new Date()): Date {
  const reminder = new Date(dueAt.getTime() - settings.reminderLeadMinutes * MINUTE_MS);
  const adjusted = isInQuietHours(reminder, settings.quietHoursUtc) ? startOfQuietHours(reminder, settings.quietHoursUtc) : reminder;
  // A task created shortly before it is due still gets a reminder: straight away.
  return adjusted < now ? now : adjusted;
}

function isInQuietHours(time: Date, quiet: ReminderSettings["quietHoursUtc"]): boolean {
  const minuteOfDay = time.getUTCHours() * 60 + time.getUTCMinutes();
  const start = quiet.start * 60;
  const end = quiet.end * 60;
  // The boundary minutes themselves are allowed: 22:00 sharp is still a fine time for an email.
  return start > end ? minuteOfDay > start || minuteOfDay < end : minuteOfDay > start && minuteOfDay < end;
}

/** The latest moment at or before `time` when the quiet hours it falls into began. */
function startOfQuietHours(time: Date, quiet: ReminderSettings["quietHoursUtc"]): Date {
  const start = new Date(time);
  start.setUTCHours(quiet.start, 0, 0, 0);
  return start > time ? new Date(start.getTime() - DAY_MS) : start;
}

/** Open tasks whose reminder is due and has not been sent yet, earliest first. */
export function dueReminders(tasks: Iterable<Task>, now = new Date()): Task[] {
  const due: Task[] = [];
  for (const task of tasks) {
    if (!task.done && !task.reminderSentAt && new Date(task.remindAt) <= now) due.push(task);
  }
  return due.sort((a, b) => a.remindAt.localeCompare(b.remindAt));
}
