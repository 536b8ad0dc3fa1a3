// Building the page without innerHTML: text always goes in as text nodes, so a file name or token like
// `<img src=x onerror=alert(1)>` shows as those characters and never becomes markup.

type Child = Node | string | null | undefined | false;

/** An element with attributes (set as attributes, never as handlers) and children (strings become text). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string | number | boolean> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) throw new Error(`event handler attribute ${name}: use addEventListener`);
    if (value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/** Replaces the app's content; the page is no longer busy. */
export function render(...children: Child[]): HTMLElement {
  const app = document.getElementById("app")!;
  app.replaceChildren(...children.filter((c): c is Node | string => Boolean(c)));
  app.setAttribute("aria-busy", "false");
  return app;
}

/** A plain message in place of the content (loading, errors, empty states). */
export function showMessage(text: string, kind: "loading" | "error" | "info" = "info"): void {
  render(h("p", { class: `message ${kind}`, role: kind === "error" ? "alert" : "status" }, text));
  document.getElementById("app")!.setAttribute("aria-busy", String(kind === "loading"));
}

/** A token as shown in labels: whitespace made visible, long ones cut. */
export function tokenLabel(text: string, max = 16): string {
  const visible = text.replace(/\r\n|\n|\r/g, "↵").replace(/\t/g, "→").replace(/ /g, "·");
  return visible.length > max ? `${visible.slice(0, max - 1)}…` : visible || "∅";
}
