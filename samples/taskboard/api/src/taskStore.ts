import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface Task {
  id: string;
  title: string;
  notes: string;
  assigneeEmail: string;
  /** ISO 8601, UTC. */
  dueAt: string;
  /** When the worker should email the assignee; derived from dueAt, see computeReminderTime. */
  remindAt: string;
  reminderSentAt?: string;
  done: boolean;
  createdAt: string;
  updatedAt: string;
}

export type NewTask = Pick<Task, "title" | "notes" | "assigneeEmail" | "dueAt">;
export type TaskPatch = Partial<Pick<Task, "title" | "notes" | "assigneeEmail" | "dueAt" | "done">>;

export interface TaskFilter {
  assigneeEmail?: string;
  includeDone?: boolean;
}

/**
 * Tasks kept in memory and written to one JSON file after every change. The team has a few hundred tasks at
 * most, so rewriting the whole file is simpler than a database and fast enough.
 */
export class TaskStore {
  private readonly tasks = new Map<string, Task>();

  constructor(private readonly dataFile: string) {}

  /** Reads the data file; a missing file is an empty board (first start). */
  load(): void {
    let raw: string;
    try {
      raw = readFileSync(this.dataFile, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    for (const task of JSON.parse(raw) as Task[]) this.tasks.set(task.id, task);
  }

  list(filter: TaskFilter = {}): Task[] {
    return [...this.tasks.values()]
      .filter((task) => filter.includeDone || !task.done)
      .filter((task) => !filter.assigneeEmail || task.assigneeEmail === filter.assigneeEmail)
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  all(): Iterable<Task> {
    return this.tasks.values();
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  create(input: NewTask, remindAt: Date): Task {
    const now = new Date().toISOString();
    const task: Task = { ...input, id: randomUUID(), remindAt: remindAt.toISOString(), done: false, createdAt: now, updatedAt: now };
    this.tasks.set(task.id, task);
    this.save();
    return task;
  }

  /** Applies a patch; a new due date needs a new reminder, so the caller passes it along. */
  update(id: string, patch: TaskPatch, remindAt?: Date): Task | undefined {
    const existing = this.tasks.get(id);
    if (!existing) return undefined;
    const updated: Task = { ...existing, ...patch, updatedAt: new Date().toISOString() };
    if (remindAt) {
      updated.remindAt = remindAt.toISOString();
      delete updated.reminderSentAt;
    }
    this.tasks.set(id, updated);
    this.save();
    return updated;
  }

  markReminderSent(id: string, sentAt = new Date()): Task | undefined {
    const task = this.tasks.get(id);
    if (!task) return undefined;
    task.reminderSentAt = sentAt.toISOString();
    this.save();
    return task;
  }

  remove(id: string): boolean {
    const removed = this.tasks.delete(id);
    if (removed) this.save();
    return removed;
  }

  /** Write to a temporary file, then rename: a crash mid-write never leaves half a JSON file behind. */
  private save(): void {
    mkdirSync(path.dirname(this.dataFile), { recursive: true });
    const temporary = `${this.dataFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify([...this.tasks.values()], null, 2));
    renameSync(temporary, this.dataFile);
  }
}
