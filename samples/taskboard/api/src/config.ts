import { readFileSync } from "node:fs";
import path from "node:path";
import type { ReminderSettings } from "./reminders.js";

export interface TaskboardConfig {
  server: { host: string; port: number; maxBodyBytes: number };
  /** The bearer token clients must send; read from the environment, never from the JSON file. */
  apiToken: string;
  store: { dataFile: string };
  reminders: ReminderSettings;
}

interface ConfigFile {
  server: { host: string; port: number; maxBodyBytes: number };
  auth: { tokenEnvVar: string; tokenMinLength: number };
  store: { dataFile: string };
  reminders: ReminderSettings;
}

/** config/taskboard.json, two folders up from api/src (and from api/build once compiled). */
export const DEFAULT_CONFIG_PATH = path.resolve(import.meta.dirname, "..", "..", "config", "taskboard.json");

/**
 * Loads the shared config file and the API token. TASKBOARD_PORT overrides the port so two instances can
 * run side by side in tests; everything else comes from the file.
 */
export function loadConfig(configPath = DEFAULT_CONFIG_PATH, env: NodeJS.ProcessEnv = process.env): TaskboardConfig {
  const file = JSON.parse(readFileSync(configPath, "utf8")) as ConfigFile;
  const port = env.TASKBOARD_PORT ? Number(env.TASKBOARD_PORT) : file.server.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`Invalid port ${env.TASKBOARD_PORT ?? file.server.port}; expected 1-65535.`);
  }

  const apiToken = env[file.auth.tokenEnvVar] ?? "";
  if (apiToken.length < file.auth.tokenMinLength) {
    throw new Error(
      `${file.auth.tokenEnvVar} must be set to a token of at least ${file.auth.tokenMinLength} characters.`,
    );
  }

  const root = path.dirname(path.dirname(configPath));
  return {
    server: { ...file.server, port },
    apiToken,
    store: { dataFile: path.resolve(root, file.store.dataFile) },
    reminders: file.reminders,
  };
}
