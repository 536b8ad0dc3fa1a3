// The Attention Inspector webview: a layer x head grid of pooled attention maps, the chosen head large with
// token labels and hover values, and the window's tokens: pick one to see what it attends to and which memory
// slots it reads (or show the last question's), each linked to the code that wrote it.
import type { InspectResult, InspectVariant } from "../../src/shared/inspectData";
import type { InspectorData, InspectTarget, PanelState, Params } from "../../src/shared/messages";
import { unpack } from "../../src/shared/packed";
import { h, render, showMessage, tokenLabel } from "./lib/dom";
import { drawMap, sizeCanvas } from "./lib/heatmap";
import { memoryContent } from "./lib/memoryView";
import { onNotification, request, savedState, saveState } from "./lib/rpc";
import { css, palette } from "./lib/theme";
import { tokenStrip, type TokenStrip } from "./lib/tokenStrip";
import "./lib/panel.css";

interface Saved {
  target: InspectTarget;
  layer: number;
  head: number;
  token?: number;
}

interface View {
  data: InspectorData;
  result: InspectResult;
  maps: Float32Array;
  layer: number;
  head: number;
  token?: number;
  /** [layers, heads, tokens] rows of `token`. */
  rows?: Float32Array;
  strip: TokenStrip;
  elements: { grid: HTMLCanvasElement; head: HTMLCanvasElement; tip: HTMLElement; attended: HTMLOListElement; status: HTMLElement; timing: HTMLElement; memory: HTMLElement };
  /** Memory reads asked so far: only the latest one's answer is shown. */
  memoryReads: number;
  /** Hovered or keyboard-chosen cell of the large view [query bin, key bin]. */
  cursor?: [number, number];
}

const THUMB = 60;
const GAP = 6;
const LABEL = 26;
const HEAD_LABELS = 72;
/** Keys listed (and decorated in the editor) for the chosen token. */
const TOP_LIST = 8;
const TOP_DECORATED = 40;

let view: View | undefined;
let openedAt: number | undefined;
/** When this page's script started: a message posted before then waited for the webview to start. */
const scriptAt = Date.now();
/**
 * What the footer reports (and the end-to-end test reads): how long opening and the last head switch took, and
 * where opening's time went: the extension host until it posted the data (the model's run within it), the wait
 * for this page to start (VS Code boots a new webview meanwhile), the message's transfer, unpacking it into the
 * page, drawing. These add up to opening; `scriptMs` is when the page started, after the command.
 */
const timing: {
  openMs?: number; redrawMs?: number; hostMs?: number; modelMs?: number; scriptMs?: number; startWaitMs?: number; transferMs?: number; buildMs?: number; drawMs?: number;
} = {};

const variantNames: Record<InspectVariant, string> = { longlens: "Shipped (DroPE + REPO)", rope: "RoPE (before the drop)" };

function apply(state: PanelState<InspectorData>): void {
  if (state.status !== "ready") {
    showMessage(state.message, state.status === "loading" ? "loading" : "error");
    return;
  }
  // The answer to "ready" and the "show" notification can carry the same load: draw it once.
  if (view && view.data.requestedAt === state.data.requestedAt && view.data.target.variant === state.data.target.variant) return;
  const saved = savedState<Saved>();
  const sameTarget = saved.target?.uri === state.data.target.uri && saved.target.lines[0] === state.data.target.lines[0];
  const { result } = state.data;
  const layer = sameTarget && saved.layer !== undefined && saved.layer < result.model.layers ? saved.layer : result.model.layers - 1;
  const head = sameTarget && saved.head !== undefined && saved.head < result.model.heads ? saved.head : 0;
  const token = sameTarget && saved.token !== undefined && saved.token < result.tokens.length ? saved.token : undefined;
  const receivedAt = Date.now();
  view = build(state.data, layer, head);
  const builtAt = Date.now();
  redraw();
  if (openedAt !== state.data.requestedAt) {
    openedAt = state.data.requestedAt;
    const drawnAt = Date.now();
    const posted = state.data.postedAt ?? receivedAt;
    timing.openMs = drawnAt - state.data.requestedAt;
    timing.hostMs = posted - state.data.requestedAt;
    timing.modelMs = Math.round(result.seconds * 1000);
    timing.scriptMs = scriptAt - state.data.requestedAt;
    timing.startWaitMs = Math.max(0, scriptAt - posted);
    timing.transferMs = receivedAt - Math.max(posted, scriptAt);
    timing.buildMs = builtAt - receivedAt;
    timing.drawMs = drawnAt - builtAt;
  }
  updateTiming();
  if (token !== undefined) void pick(token);
  persist();
}

function build(data: InspectorData, layer: number, head: number): View {
  const { result, target } = data;
  const radios = (Object.keys(variantNames) as InspectVariant[]).map((variant) => {
    const input = h("input", { type: "radio", name: "variant", value: variant, id: `variant-${variant}`, checked: variant === target.variant });
    input.addEventListener("change", () => void switchVariant(variant));
    return h("label", { for: `variant-${variant}` }, input, variantNames[variant]);
  });
  const png = h("button", { type: "button" }, "Export PNG");
  const json = h("button", { type: "button" }, "Export JSON");
  png.addEventListener("click", () => void exportView("png"));
  json.addEventListener("click", () => void exportView("json"));
  const grid = h("canvas", { class: "grid", tabindex: 0, role: "img", "aria-label": "Attention maps, one per layer (rows) and head (columns)" });
  const headCanvas = h("canvas", { class: "head", tabindex: 0, role: "img", "aria-label": "The chosen head's attention map" });
  const tip = h("div", { class: "tip", role: "status", "aria-live": "polite" }, "Hover the map for values; click a token below to see what it attends to.");
  const attended = h("ol", { class: "attended", "aria-label": "What the chosen token attends to most" });
  const status = h("p", { class: "status", role: "status" });
  const timing = h("p", { class: "timing" });
  const memory = h("div", { "aria-live": "polite" }, h("p", { class: "message info" }, "Pick a token to see the memory slots it reads, or show the last question's."));
  const lastQuestion = h("button", { type: "button" }, "Show the last question's memory reads");
  lastQuestion.addEventListener("click", () => void readMemory({ lastQuestion: true }));
  const T = result.tokens.length;
  const strip = tokenStrip(result.tokens, "Tokens of the window: arrows move, Enter shows what a token attends to", (i) => void pick(i));
  render(
    h("header", {},
      h("h1", {}, `Attention · ${target.label} lines ${result.startLine}–${result.endLine}`),
      h("p", { class: "summary" },
        `${T.toLocaleString("en-US")} tokens${result.truncated ? " (cut to fit 2,000)" : ""} · ${result.model.layers} layers × ${result.model.heads} heads · β ${result.model.beta.toFixed(3)} · model ${result.seconds.toFixed(2)} s` +
          (result.attention.bins < T ? ` · maps pooled to ${result.attention.bins}×${result.attention.bins}` : "")),
      h("div", { class: "toolbar" }, h("fieldset", { class: "variants" }, h("legend", {}, "Model"), ...radios), png, json),
      status,
    ),
    h("div", { class: "views" },
      h("section", { "aria-label": "Layer by head grid" }, h("h2", {}, "Layers × heads"), grid),
      h("section", { "aria-label": "Chosen head" }, h("h2", { id: "head-title" }, ""), headCanvas, tip),
    ),
    h("section", { class: "tokens", "aria-label": "Tokens" }, h("h2", {}, "Tokens"), strip.element),
    h("section", { "aria-label": "Attended tokens" }, h("h2", { id: "attended-title" }, "Pick a token"), attended),
    h("section", { class: "memory", "aria-label": "Memory slots read" }, h("h2", {}, "Memory"), h("div", { class: "toolbar" }, lastQuestion), memory),
    timing,
  );
  const v: View = {
    data, result, maps: unpack(result.attention.maps), layer, head, strip, memoryReads: 0,
    elements: { grid, head: headCanvas, tip, attended, status, timing, memory },
  };
  wireGrid(v);
  wireHead(v);
  return v;
}

function wireGrid(v: View): void {
  const { layers, heads } = v.result.model;
  v.elements.grid.addEventListener("click", (event) => {
    const rect = v.elements.grid.getBoundingClientRect();
    const head = Math.floor((event.clientX - rect.left - LABEL) / (THUMB + GAP));
    const layer = Math.floor((event.clientY - rect.top - LABEL) / (THUMB + GAP));
    if (head >= 0 && head < heads && layer >= 0 && layer < layers) choose(layer, head);
  });
  v.elements.grid.addEventListener("keydown", (event) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    choose(Math.max(0, Math.min(layers - 1, v.layer + move[0])), Math.max(0, Math.min(heads - 1, v.head + move[1])));
  });
}

/** The large view sits beside the grid where the panel is wide enough, else below it at full width. */
function headGeometry(v: View) {
  const gridWidth = LABEL + v.result.model.heads * (THUMB + GAP);
  const beside = window.innerWidth - gridWidth - HEAD_LABELS - 100;
  const size = Math.min(560, beside >= 280 ? beside : window.innerWidth - HEAD_LABELS - 60);
  return { size, cell: size / v.result.attention.bins, left: HEAD_LABELS, top: HEAD_LABELS };
}

function wireHead(v: View): void {
  const canvas = v.elements.head;
  const cellAt = (event: MouseEvent): [number, number] | undefined => {
    const rect = canvas.getBoundingClientRect();
    const g = headGeometry(v);
    const q = Math.floor((event.clientY - rect.top - g.top) / g.cell);
    const k = Math.floor((event.clientX - rect.left - g.left) / g.cell);
    const bins = v.result.attention.bins;
    return q >= 0 && q < bins && k >= 0 && k < bins ? [q, k] : undefined;
  };
  canvas.addEventListener("mousemove", (event) => setCursor(cellAt(event)));
  canvas.addEventListener("mouseleave", () => setCursor(undefined));
  canvas.addEventListener("click", (event) => {
    const cell = cellAt(event);
    if (cell) void pick(v.result.attention.binStarts[cell[0]]!);
  });
  canvas.addEventListener("keydown", (event) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const bins = v.result.attention.bins;
    const [q, k] = v.cursor ?? [0, 0];
    if (moves[event.key]) {
      event.preventDefault();
      setCursor([Math.max(0, Math.min(bins - 1, q + moves[event.key]![0])), Math.max(0, Math.min(bins - 1, k + moves[event.key]![1]))]);
    } else if (event.key === "Enter") {
      event.preventDefault();
      void pick(v.result.attention.binStarts[q]!);
    }
  });
}

/** The tokens a bin covers, for the tooltip: "12–15 “foo…”". */
function binText(v: View, bin: number): string {
  const starts = v.result.attention.binStarts;
  const [first, last] = [starts[bin]!, starts[bin + 1]! - 1];
  const text = tokenLabel(v.result.tokens.slice(first, last + 1).map((t) => t.text).join(""), 24);
  return `${first === last ? `token ${first}` : `tokens ${first}–${last}`} “${text}” (line ${v.result.tokens[first]!.line})`;
}

function setCursor(cell: [number, number] | undefined): void {
  if (!view) return;
  view.cursor = cell;
  drawHead(view);
  if (!cell) return;
  const bins = view.result.attention.bins;
  const value = view.maps[((view.layer * view.result.model.heads + view.head) * bins + cell[0]) * bins + cell[1]]!;
  view.elements.tip.textContent = `${binText(view, cell[0])} → ${binText(view, cell[1])}: ${value.toFixed(4)}`;
}

function choose(layer: number, head: number): void {
  if (!view) return;
  view.layer = layer;
  view.head = head;
  const started = performance.now();
  redraw();
  timing.redrawMs = Number((performance.now() - started).toFixed(1));
  updateTiming();
  persist();
  decorate();
}

function redraw(): void {
  if (!view) return;
  drawGrid(view);
  drawHead(view);
  colourStrip(view);
  listAttended(view);
  const local = view.result.model.localHeads[view.layer]?.includes(view.head);
  document.getElementById("head-title")!.textContent = `Layer ${view.layer}, head ${view.head}${local ? ` (local: last ${view.result.model.localWindow} tokens)` : ""}`;
  view.elements.grid.setAttribute("aria-label", `Attention maps per layer (rows) and head (columns); layer ${view.layer}, head ${view.head} chosen. Arrow keys choose another.`);
}

function drawGrid(v: View): void {
  const { layers, heads } = v.result.model;
  const bins = v.result.attention.bins;
  const colors = palette();
  const width = LABEL + heads * (THUMB + GAP);
  const context = sizeCanvas(v.elements.grid, width, LABEL + layers * (THUMB + GAP));
  context.fillStyle = css(colors.foreground);
  context.font = "11px sans-serif";
  context.textBaseline = "middle";
  for (let head = 0; head < heads; head++) context.fillText(`H${head}`, LABEL + head * (THUMB + GAP) + THUMB / 2 - 8, LABEL / 2);
  for (let layer = 0; layer < layers; layer++) {
    context.fillStyle = css(colors.foreground);
    context.fillText(`L${layer}`, 2, LABEL + layer * (THUMB + GAP) + THUMB / 2);
    for (let head = 0; head < heads; head++) {
      const x = LABEL + head * (THUMB + GAP);
      const y = LABEL + layer * (THUMB + GAP);
      drawMap(context, v.maps, (layer * heads + head) * bins * bins, bins, { x, y, size: THUMB }, colors);
      if (layer === v.layer && head === v.head) {
        context.strokeStyle = css(colors.accent);
        context.lineWidth = 3;
        context.strokeRect(x - 1.5, y - 1.5, THUMB + 3, THUMB + 3);
      }
    }
  }
}

function drawHead(v: View): void {
  const bins = v.result.attention.bins;
  const { size, cell, left, top } = headGeometry(v);
  const colors = palette();
  const context = sizeCanvas(v.elements.head, left + size + 4, top + size + 4);
  drawMap(context, v.maps, (v.layer * v.result.model.heads + v.head) * bins * bins, bins, { x: left, y: top, size }, colors);
  // Token labels where they fit: every bin when cells are tall enough, else every few.
  const every = Math.max(1, Math.ceil(12 / cell));
  context.fillStyle = css(colors.foreground);
  context.font = "10px monospace";
  context.textBaseline = "middle";
  for (let b = 0; b < bins; b += every) {
    const label = tokenLabel(v.result.tokens[v.result.attention.binStarts[b]!]!.text, 11);
    context.textAlign = "right";
    context.fillText(label, left - 4, top + (b + 0.5) * cell);
    context.save();
    context.translate(left + (b + 0.5) * cell, top - 4);
    context.rotate(-Math.PI / 2);
    context.textAlign = "left";
    context.fillText(label, 0, 0);
    context.restore();
  }
  const outline = (q: number, k: number | undefined, color: string) => {
    context.strokeStyle = color;
    context.lineWidth = 1.5;
    if (k === undefined) context.strokeRect(left, top + q * cell, size, Math.max(cell, 1.5));
    else context.strokeRect(left + k * cell, top + q * cell, Math.max(cell, 2), Math.max(cell, 2));
  };
  if (v.token !== undefined) outline(binOf(v, v.token), undefined, css(colors.accent));
  if (v.cursor) outline(v.cursor[0], v.cursor[1], css(colors.foreground));
  v.elements.head.setAttribute("aria-label", `Layer ${v.layer}, head ${v.head}: attention of query tokens (rows) to key tokens (columns). Arrow keys move a cursor whose value is read out; Enter picks its query token.`);
}

function binOf(v: View, token: number): number {
  const starts = v.result.attention.binStarts;
  let bin = 0;
  while (starts[bin + 1]! <= token) bin++;
  return bin;
}

/** The chosen token's row in the current head, or undefined before its rows arrive. */
function currentRow(v: View): Float32Array | undefined {
  if (!v.rows) return undefined;
  const T = v.result.tokens.length;
  const at = (v.layer * v.result.model.heads + v.head) * T;
  return v.rows.subarray(at, at + T);
}

function colourStrip(v: View): void {
  const row = currentRow(v);
  const colors = palette();
  let max = 0;
  if (row) for (const w of row) max = Math.max(max, w);
  v.strip.spans.forEach((span, i) => {
    const t = row && max > 0 ? Math.sqrt(row[i]! / max) : 0;
    span.style.backgroundColor = t > 0.02 ? css(colors.heat, t * 0.85) : "";
    span.setAttribute("aria-selected", String(i === v.token));
    span.classList.toggle("chosen", i === v.token);
  });
}

function topKeys(row: Float32Array, count: number): [number, number][] {
  return [...row.keys()].sort((a, b) => row[b]! - row[a]!).slice(0, count).map((k) => [k, row[k]!]);
}

function listAttended(v: View): void {
  const row = currentRow(v);
  const title = document.getElementById("attended-title")!;
  if (v.token === undefined || !row) {
    title.textContent = v.token === undefined ? "Pick a token to see what it attends to" : "Reading…";
    v.elements.attended.replaceChildren();
    return;
  }
  const token = v.result.tokens[v.token]!;
  title.textContent = `Token ${v.token} “${tokenLabel(token.text, 24)}” (line ${token.line}) attends most to`;
  v.elements.attended.replaceChildren(
    ...topKeys(row, TOP_LIST).map(([k, w]) => {
      const key = v.result.tokens[k]!;
      const button = h("button", { type: "button", class: "link" }, `“${tokenLabel(key.text, 24)}”`);
      button.addEventListener("click", () => void pick(k));
      return h("li", {}, button, ` token ${k}, line ${key.line}: ${w.toFixed(4)}`);
    }),
  );
}

async function pick(token: number): Promise<void> {
  if (!view) return;
  const v = view;
  v.token = token;
  v.rows = undefined;
  v.strip.activate(token);
  persist();
  redraw();
  void readMemory({ token });
  try {
    const answer = await request("inspector/rows", { token });
    if (view !== v || v.token !== answer.token) return; // a later pick won
    v.rows = unpack(answer.rows);
    redraw();
    decorate();
  } catch (error) {
    v.elements.status.textContent = (error as Error).message;
  }
}

/** Shows the memory slots a token or the last question reads (the host answers with the reason when none can be). */
async function readMemory(reader: Params<"inspector/memory">): Promise<void> {
  if (!view) return;
  const v = view;
  const read = ++v.memoryReads;
  v.elements.memory.replaceChildren(memoryContent(undefined, () => undefined));
  const open = (choice: Params<"inspector/openWriter">) =>
    void request("inspector/openWriter", choice).catch((error: Error) => (v.elements.status.textContent = error.message));
  try {
    const state = await request("inspector/memory", reader);
    if (view === v && read === v.memoryReads) v.elements.memory.replaceChildren(memoryContent(state, open));
  } catch (error) {
    if (view === v && read === v.memoryReads) v.elements.memory.replaceChildren(memoryContent({ reason: (error as Error).message }, open));
  }
}

function decorate(): void {
  if (!view || view.token === undefined) return;
  const row = currentRow(view);
  if (row) void request("inspector/decorate", { token: view.token, keys: topKeys(row, TOP_DECORATED) }).catch(() => undefined);
}

async function switchVariant(variant: InspectVariant): Promise<void> {
  if (!view) return;
  view.elements.status.textContent = `Running ${variantNames[variant]}…`;
  document.getElementById("app")!.setAttribute("aria-busy", "true");
  try {
    apply(await request("inspector/variant", { variant }));
  } catch (error) {
    view.elements.status.textContent = (error as Error).message;
  }
}

async function exportView(format: "png" | "json"): Promise<void> {
  if (!view) return;
  const params = format === "png"
    ? { format, dataUrl: view.elements.head.toDataURL("image/png") } as const
    : { format, selection: { layer: view.layer, head: view.head, ...(view.token === undefined ? {} : { token: view.token }) } } as const;
  try {
    const { saved } = await request("inspector/export", params);
    view.elements.status.textContent = saved ? `Saved ${saved}` : "";
  } catch (error) {
    view.elements.status.textContent = (error as Error).message;
  }
}

function updateTiming(): void {
  if (!view) return;
  const { openMs, redrawMs } = timing;
  const element = view.elements.timing;
  for (const [key, value] of Object.entries(timing)) if (value !== undefined) element.dataset[key] = String(value);
  element.textContent = [openMs !== undefined && `opened in ${openMs} ms`, redrawMs !== undefined && `head switch redrawn in ${redrawMs} ms`].filter(Boolean).join(" · ");
}

function persist(): void {
  if (view) saveState<Saved>({ target: view.data.target, layer: view.layer, head: view.head, ...(view.token === undefined ? {} : { token: view.token }) });
}

onNotification("inspector/show", apply);
// VS Code switches themes by the body's class: the canvases read the new colours on redraw.
new MutationObserver(() => redraw()).observe(document.body, { attributes: true, attributeFilter: ["class"] });
window.addEventListener("resize", () => view && drawHead(view));
request("inspector/ready", null).then(apply, (error: Error) => showMessage(error.message, "error"));
