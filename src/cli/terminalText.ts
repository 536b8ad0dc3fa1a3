// Text from the indexed tree (file names, snippets) can hold control characters: printed raw they would
// break lines or drive the terminal (escape sequences), so human output shows them escaped.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

export function printable(text: string): string {
  return text.replace(CONTROL, (char) => NAMED[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
