// The window's text as its tokens, one span each (2,000 spans is cheap; the grids are canvas). Keyboard:
// the strip is one tab stop, arrows move the active token (aria-activedescendant), Enter or Space picks it.
import type { InspectToken } from "../../../src/shared/inspectData";
import { h } from "./dom";

export interface TokenStrip {
  element: HTMLElement;
  spans: HTMLSpanElement[];
  /** Marks `index` as the active token (focus ring, aria) without picking it. */
  activate(index: number): void;
}

/** Keeps `span` in view by scrolling the strip only (scrollIntoView would scroll the whole page too). */
function scrollWithin(strip: HTMLElement, span: HTMLElement): void {
  const top = span.offsetTop;
  if (top < strip.scrollTop) strip.scrollTop = top;
  else if (top + span.offsetHeight > strip.scrollTop + strip.clientHeight) strip.scrollTop = top + span.offsetHeight - strip.clientHeight;
}

export function tokenStrip(tokens: InspectToken[], label: string, onPick: (index: number) => void): TokenStrip {
  const spans = tokens.map((token, i) =>
    h("span", { id: `token-${i}`, class: "token", role: "option", "aria-selected": "false", "data-index": i, title: `token ${i}, line ${token.line}` }, token.text),
  );
  const element = h("div", { class: "strip", role: "listbox", tabindex: 0, "aria-label": label }, ...spans);
  let active = 0;
  const activate = (index: number) => {
    spans[active]?.classList.remove("active");
    active = Math.max(0, Math.min(tokens.length - 1, index));
    spans[active]!.classList.add("active");
    element.setAttribute("aria-activedescendant", `token-${active}`);
    scrollWithin(element, spans[active]!);
  };
  element.addEventListener("click", (event) => {
    const index = Number((event.target as HTMLElement).closest<HTMLElement>(".token")?.dataset.index);
    if (Number.isInteger(index)) {
      activate(index);
      onPick(index);
    }
  });
  element.addEventListener("keydown", (event) => {
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 10, ArrowUp: -10, Home: -Infinity, End: Infinity };
    if (event.key in step) {
      activate(Number.isFinite(step[event.key]!) ? active + step[event.key]! : step[event.key]! < 0 ? 0 : tokens.length - 1);
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === " ") {
      onPick(active);
      event.preventDefault();
    }
  });
  return { element, spans, activate };
}
