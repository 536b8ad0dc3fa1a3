// Drives the commands the way a user's keystrokes would, through executeCommand, on the
// fixture workspace that runTests.ts opens.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as vscode from "vscode";
import type { IndexResult } from "../../../src/engine/types";
import type { LocatedHit } from "../../../src/extension/askCommand";
import type { LocatedNeedle } from "../../../src/extension/needleCommand";

suite("LongLens commands", () => {
  test("Index Workspace indexes every file of the fixture", async () => {
    const results = await vscode.commands.executeCommand<IndexResult[] | undefined>("longlens.indexWorkspace");
    assert.ok(results, "the command failed; see the LongLens output channel");
    assert.equal(results.length, 1);
    assert.equal(results[0]!.files, 5);
    assert.ok(results[0]!.chunks >= 5);
  });

  test("Ask the Codebase ranks the late-fee function first", async () => {
    const hits = await vscode.commands.executeCommand<LocatedHit[] | undefined>("longlens.ask", "compute the late fee of an overdue invoice");
    assert.ok(hits && hits.length > 0, "no hits");
    assert.equal(path.basename(hits[0]!.uri.fsPath), "invoice.ts");
    assert.ok(hits[0]!.startLine <= 8 && hits[0]!.endLine >= 8, `hit lines ${hits[0]!.startLine}-${hits[0]!.endLine} miss computeLateFee`);
  });

  test("Find Needle points at the line holding the value", async () => {
    const needle = await vscode.commands.executeCommand<LocatedNeedle | undefined>("longlens.findNeedle", "DATABASE_TIMEOUT_SECONDS");
    assert.ok(needle, "no needle found");
    assert.equal(path.basename(needle.uri.fsPath), "settings.py");
    assert.equal(needle.line, 4);
  });

  test("Clear Index, then Ask indexes again and still answers", async () => {
    await vscode.commands.executeCommand("longlens.clearIndex");
    const hits = await vscode.commands.executeCommand<LocatedHit[] | undefined>("longlens.ask", "send a reminder email");
    assert.ok(hits && hits.length > 0, "no hits after clearing");
    assert.equal(path.basename(hits[0]!.uri.fsPath), "mailer.go");
  });
});
