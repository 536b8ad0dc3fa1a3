// The Positional Folding webview: REPO's position (y) for each token (x) of one layer's heads, relative to a
// reference token; the chosen head's folded stretches (positions that collapse together) are shaded.
import type { InspectResult, LayerPositions } from "../../src/shared/inspectData";
import type { InspectorData, InspectTarget, PanelState } from "../../src/shared/messages";
import { unpack } from "../../src/shared/packed";
import { h, render, showMessage, tokenLabel } from "./lib/dom";
import { sizeCanvas } from "./lib/heatmap";
import { onNotification, request, savedState, saveState } from "./lib/rpc";
import { css, palette } from "./lib/theme";
import { tokenStrip, type TokenStrip } from "./lib/tokenStrip";
import "./lib/panel.css";

interface Saved {
  target: InspectTarget;
  layer: number;
  head: number;
  reference: number;
  dim: boolean;
}

interface View {
  data: InspectorData;
  result: InspectResult;
  layers: LayerPositions[];
  /** Per REPO layer, per head: the graph's positions (values + origin). */
  absolute: Map<number, Float32Array[]>;
  layer: number;
  head: number;
  reference: number;
  dim: boolean;
  hover?: number;
  strip: TokenStrip;
  elements: { plot: HTMLCanvasElement; tip: HTMLElement; summary: HTMLElement };
}

const HEIGHT = 320;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

let view: View | undefined;

function apply(state: PanelState<InspectorData>): void {
  if (state.status !== "ready") {
    showMessage(state.message, state.status === "loading" ? "loading" : "error");
    return;
  }
  const { result, target } = state.data;
  const layers = result.positions.layers.filter((l) => l.mode === "repo");
  if (layers.length === 0) {
    showMessage("This model computes no REPO positions.", "info");
    return;
  }
  const absolute = new Map<number, Float32Array[]>();
  const T = result.tokens.length;
  for (const layer of layers) {
    const relative = unpack(layer.values!);
    absolute.set(layer.layer, layer.origin!.map((origin, head) => relative.subarray(head * T, (head + 1) * T).map((p) => p + origin)));
  }
  const saved = savedState<Saved>();
  const same = saved.target?.uri === target.uri && saved.target.lines[0] === target.lines[0];
  const layer = same && layers.some((l) => l.layer === saved.layer) ? saved.layer! : layers[layers.length - 1]!.layer;
  const head = same && saved.head !== undefined && saved.head < result.model.heads ? saved.head : 0;
  const reference = same && saved.reference !== undefined && saved.reference < T ? saved.reference : result.positions.reference;
  view = build(state.data, layers, absolute, layer, head, reference, same && saved.dim === true);
  redraw();
  // Saved at once, not only on a change: the panel serializer restores what the saved state names.
  persist();
  if (view.dim) dimInEditor();
}

function build(data: InspectorData, layers: LayerPositions[], absolute: Map<number, Float32Array[]>, layer: number, head: number, reference: number, dim: boolean): View {
  const { result, target } = data;
  const layerSelect = h("select", { id: "layer", "aria-label": "Layer" }, ...layers.map((l) => h("option", { value: l.layer, selected: l.layer === layer }, `Layer ${l.layer}`)));
  const headSelect = h("select", { id: "head", "aria-label": "Head" }, ...Array.from({ length: result.model.heads }, (_, i) => h("option", { value: i, selected: i === head }, `Head ${i}`)));
  const dimBox = h("input", { type: "checkbox", id: "dim", checked: dim });
  const plot = h("canvas", { class: "plot", tabindex: 0, role: "img" });
  const tip = h("div", { class: "tip", role: "status", "aria-live": "polite" }, "Hover the plot for a token; click (or Enter) to measure positions from it.");
  const summary = h("p", { class: "summary" });
  const strip = tokenStrip(result.tokens, "Tokens of the window: folded-away tokens are dimmed; Enter measures positions from a token", (i) => setReference(i));
  render(
    h("header", {},
      h("h1", {}, `Positional folding · ${target.label} lines ${result.startLine}–${result.endLine}`),
      h("p", { class: "summary" }, `${result.tokens.length.toLocaleString("en-US")} tokens · REPO positions (y) against token index (x) · shaded: stretches whose positions collapse together (folded)`),
      h("div", { class: "toolbar" },
        h("label", { for: "layer" }, "Layer "), layerSelect,
        h("label", { for: "head" }, "Head "), headSelect,
        h("label", { for: "dim", class: "check" }, dimBox, "Dim folded tokens in the editor"),
      ),
      summary,
    ),
    h("section", { "aria-label": "Positions plot" }, plot, tip),
    h("section", { class: "tokens", "aria-label": "Tokens" }, h("h2", {}, "Tokens"), strip.element),
  );
  const v: View = { data, result, layers, absolute, layer, head, reference, dim, strip, elements: { plot, tip, summary } };
  layerSelect.addEventListener("change", () => choose(Number(layerSelect.value), v.head));
  headSelect.addEventListener("change", () => choose(v.layer, Number(headSelect.value)));
  dimBox.addEventListener("change", () => {
    v.dim = dimBox.checked;
    persist();
    dimInEditor();
  });
  wirePlot(v);
  return v;
}

function tokenAt(v: View, clientX: number): number | undefined {
  const rect = v.elements.plot.getBoundingClientRect();
  const width = rect.width - PAD.left - PAD.right;
  const T = v.result.tokens.length;
  const i = Math.round(((clientX - rect.left - PAD.left) / width) * (T - 1));
  return i >= 0 && i < T ? i : undefined;
}

function wirePlot(v: View): void {
  const plot = v.elements.plot;
  plot.addEventListener("mousemove", (event) => hover(tokenAt(v, event.clientX)));
  plot.addEventListener("mouseleave", () => hover(undefined));
  plot.addEventListener("click", (event) => {
    const i = tokenAt(v, event.clientX);
    if (i !== undefined) setReference(i);
  });
  plot.addEventListener("keydown", (event) => {
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, PageDown: 50, PageUp: -50 };
    if (event.key in step) {
      event.preventDefault();
      hover(Math.max(0, Math.min(v.result.tokens.length - 1, (v.hover ?? v.reference) + step[event.key]!)));
    } else if (event.key === "Enter" && v.hover !== undefined) {
      event.preventDefault();
      setReference(v.hover);
    }
  });
}

function hover(index: number | undefined): void {
  if (!view) return;
  view.hover = index;
  drawPlot(view);
  if (index === undefined) return;
  const token = view.result.tokens[index]!;
  const positions = view.absolute.get(view.layer)![view.head]!;
  const relative = positions[index]! - positions[view.reference]!;
  const folded = foldOf(view, index);
  view.elements.tip.textContent =
    `token ${index} “${tokenLabel(token.text, 32)}” (line ${token.line}): position ${relative >= 0 ? "+" : ""}${relative.toFixed(3)} from token ${view.reference}` +
    (folded ? `; folded with tokens ${folded[0]}–${folded[1]}` : "");
}

function foldOf(v: View, index: number): [number, number] | undefined {
  return currentFolds(v).find(([a, b]) => a <= index && index <= b);
}

function currentFolds(v: View): [number, number][] {
  return v.layers.find((l) => l.layer === v.layer)?.folds?.[v.head] ?? [];
}

function choose(layer: number, head: number): void {
  if (!view) return;
  view.layer = layer;
  view.head = head;
  persist();
  redraw();
  if (view.dim) dimInEditor();
}

function setReference(index: number): void {
  if (!view) return;
  view.reference = index;
  view.strip.activate(index);
  persist();
  redraw();
  hover(index);
}

function redraw(): void {
  if (!view) return;
  drawPlot(view);
  const folds = currentFolds(view);
  const away = new Set(folds.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + 1 + i)));
  view.strip.spans.forEach((span, i) => {
    span.classList.toggle("folded", away.has(i));
    span.classList.toggle("chosen", i === view!.reference);
  });
  const T = view.result.tokens.length;
  view.elements.summary.textContent = `Layer ${view.layer}, head ${view.head}: ${away.size.toLocaleString("en-US")} of ${T.toLocaleString("en-US")} tokens folded away in ${folds.length} stretches; positions relative to token ${view.reference} “${tokenLabel(view.result.tokens[view.reference]!.text, 24)}”.`;
  view.elements.plot.setAttribute("aria-label", `Positions of layer ${view.layer}'s heads against token index; head ${view.head} highlighted. ${view.elements.summary.textContent} Arrow keys move a cursor; Enter measures from it.`);
}

function drawPlot(v: View): void {
  const T = v.result.tokens.length;
  const width = Math.max(320, Math.min(1100, window.innerWidth - 40));
  const context = sizeCanvas(v.elements.plot, width, HEIGHT);
  const colors = palette();
  const heads = v.absolute.get(v.layer)!;
  const relative = heads.map((p) => p.map((x) => x - p[v.reference]!));
  let [lo, hi] = [0, 0];
  for (const r of relative) for (const x of r) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  const span = hi - lo || 1;
  const w = width - PAD.left - PAD.right;
  const hgt = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (T > 1 ? (i / (T - 1)) * w : w / 2);
  const y = (p: number) => PAD.top + (1 - (p - lo) / span) * hgt;
  // Alternate shades, so neighbouring folded stretches stay apart.
  currentFolds(v).forEach(([a, b], i) => {
    context.fillStyle = css(colors.accent, i % 2 ? 0.1 : 0.22);
    context.fillRect(x(a), PAD.top, Math.max(1, x(b) - x(a)), hgt);
  });
  // Axes: zero at the reference, a few ticks.
  context.strokeStyle = css(colors.grid);
  context.fillStyle = css(colors.foreground);
  context.font = "10px sans-serif";
  context.lineWidth = 1;
  for (const tick of [lo, 0, hi]) {
    context.beginPath();
    context.moveTo(PAD.left, y(tick));
    context.lineTo(width - PAD.right, y(tick));
    context.stroke();
    context.fillText(tick.toFixed(2), 4, y(tick) + 3);
  }
  for (const tick of [0, Math.floor(T / 2), T - 1]) context.fillText(String(tick), x(tick) - 6, HEIGHT - 8);
  const line = (values: Float32Array, color: string, lineWidth: number) => {
    context.strokeStyle = color;
    context.lineWidth = lineWidth;
    context.beginPath();
    values.forEach((p, i) => (i === 0 ? context.moveTo(x(i), y(p)) : context.lineTo(x(i), y(p))));
    context.stroke();
  };
  relative.forEach((values, head) => head !== v.head && line(values, css(colors.foreground, 0.25), 1));
  line(relative[v.head]!, css(colors.heat), 1.5);
  context.setLineDash([4, 3]);
  context.strokeStyle = css(colors.accent);
  context.beginPath();
  context.moveTo(x(v.reference), PAD.top);
  context.lineTo(x(v.reference), PAD.top + hgt);
  context.stroke();
  context.setLineDash([]);
  if (v.hover !== undefined) {
    context.strokeStyle = css(colors.foreground, 0.6);
    context.beginPath();
    context.moveTo(x(v.hover), PAD.top);
    context.lineTo(x(v.hover), PAD.top + hgt);
    context.stroke();
  }
}

function dimInEditor(): void {
  if (!view) return;
  void request("folding/dim", view.dim ? { layer: view.layer, head: view.head } : null).catch(() => undefined);
}

function persist(): void {
  if (view) saveState<Saved>({ target: view.data.target, layer: view.layer, head: view.head, reference: view.reference, dim: view.dim });
}

onNotification("folding/show", apply);
// VS Code switches themes by the body's class: the canvases read the new colours on redraw.
new MutationObserver(() => redraw()).observe(document.body, { attributes: true, attributeFilter: ["class"] });
window.addEventListener("resize", () => view && drawPlot(view));
request("folding/ready", null).then(apply, (error: Error) => showMessage(error.message, "error"));
