// Loaded by VS Code's extension host (see runTests.ts): runs every *.test.js beside this file.
import Mocha from "mocha";
import { readdirSync } from "node:fs";
import * as path from "node:path";

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: "tdd", color: true, timeout: 60_000 });
  for (const name of readdirSync(__dirname).filter((n) => n.endsWith(".test.js"))) mocha.addFile(path.join(__dirname, name));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration tests failed`)) : resolve()));
  });
}
