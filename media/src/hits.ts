// The Hits view: the last question's ranked hits with file:line links, score bars, which sources found each,
// snippets, and the memory slots the question read (each a link to the code that wrote it). Up/Down move,
// Enter or a click opens.
import type { HitRow, HitsData, PanelState, SlotChoice } from "../../src/shared/messages";
import { h, render, showMessage } from "./lib/dom";
import { highlighted } from "./lib/highlight";
import { memoryContent } from "./lib/memoryView";
import { onNotification, request, savedState, saveState } from "./lib/rpc";
import "./lib/panel.css";

interface Saved {
  question: string;
  focused: number;
}

const SNIPPET_LINES = 6;

/** Three significant digits: fused scores (reciprocal ranks) are small numbers that differ late. */
const formatScore = (score: number) => (Math.abs(score) >= 100 ? score.toFixed(0) : score.toPrecision(3));

/** The hits shown and their memory section: a second notification that only adds the memory updates just that. */
let shown: { key: string; memory: HTMLElement } | undefined;

const openWriter = (choice: SlotChoice) => void request("hits/openWriter", choice).catch(() => undefined);

function apply(state: PanelState<HitsData>): void {
  const previous = shown;
  shown = undefined;
  if (state.status !== "ready") {
    showMessage(state.message, state.status === "error" ? "error" : "info");
    return;
  }
  const { question, hits } = state.data;
  const key = JSON.stringify({ question, hits });
  if (previous?.key === key) {
    previous.memory.replaceChildren(memoryContent(state.data.memory, openWriter));
    shown = previous;
    return;
  }
  if (hits.length === 0) {
    showMessage(`No hits for “${question}”.`, "info");
    return;
  }
  const best = Math.max(...hits.map((hit) => hit.score), 1e-9);
  const items = hits.map((hit, index) => hitItem(hit, index, hits.length, best));
  const list = h("ol", { class: "hits", role: "listbox", "aria-label": `Hits for ${question}` }, ...items);
  const memory = h("div", {}, memoryContent(state.data.memory, openWriter));
  render(
    h("header", {}, h("h1", {}, `Hits for “${question}”`), h("p", { class: "summary" }, `${hits.length} ranked hits · Enter or click opens one`)),
    list,
    h("section", { class: "memory", "aria-label": "Memory slots the question read" }, h("h2", {}, "Memory"), memory),
  );
  shown = { key, memory };
  const saved = savedState<Saved>();
  let focused = saved.question === question && saved.focused !== undefined && saved.focused < hits.length ? saved.focused : 0;
  const focus = (index: number, move = true) => {
    items[focused]!.setAttribute("tabindex", "-1");
    items[focused]!.setAttribute("aria-selected", "false");
    focused = Math.max(0, Math.min(hits.length - 1, index));
    items[focused]!.setAttribute("tabindex", "0");
    items[focused]!.setAttribute("aria-selected", "true");
    if (move) items[focused]!.focus();
    saveState<Saved>({ question, focused });
  };
  focus(focused, false);
  const open = (index: number) => void request("hits/open", { index }).catch(() => undefined);
  list.addEventListener("keydown", (event) => {
    const moves: Record<string, number> = { ArrowDown: focused + 1, ArrowUp: focused - 1, Home: 0, End: hits.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      focus(moves[event.key]!);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      open(focused);
    }
  });
  list.addEventListener("click", (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>(".hit");
    if (!item) return;
    focus(Number(item.dataset.index));
    open(Number(item.dataset.index));
  });
}

function hitItem(hit: HitRow, index: number, count: number, best: number): HTMLLIElement {
  const where = `${hit.file}:${hit.startLine}${hit.endLine > hit.startLine ? `–${hit.endLine}` : ""}`;
  const fill = h("div", { class: "fill" });
  fill.style.width = `${Math.max(2, (hit.score / best) * 100).toFixed(1)}%`;
  const snippet = hit.snippet.split("\n").slice(0, SNIPPET_LINES).join("\n");
  return h("li", {
      class: "hit",
      role: "option",
      tabindex: -1,
      "data-index": index,
      "aria-label": `${index + 1} of ${count}: ${where}, score ${formatScore(hit.score)}, found by ${hit.sources.join(", ")}`,
    },
    h("div", { class: "where" }, h("span", { class: "link" }, where), h("span", { class: "score" }, formatScore(hit.score))),
    h("div", { class: "bar", "aria-hidden": "true" }, fill),
    h("div", { class: "sources" }, ...hit.sources.map((source) => h("span", { class: `chip ${source}` }, source))),
    h("pre", { class: "snippet" }, ...highlighted(snippet, hit.file)),
  );
}

onNotification("hits/show", apply);
request("hits/ready", null).then(apply, (error: Error) => showMessage(error.message, "error"));
