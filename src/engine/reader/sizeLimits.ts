/** Walked files above this are skipped unless the caller raises the limit. */
export const DEFAULT_MAX_FILE_BYTES = 1_048_576;

/** A single file named as the root may be this large; it is read in streaming fashion. */
export const SINGLE_FILE_MAX_BYTES = 256 * 1_048_576;

/** "1 MiB", "256 MiB", "12 KiB": sizes for messages. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
