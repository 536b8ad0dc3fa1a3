// The memory view, shared by the inspector and the hits view: per shard, the slots a token or a question
// read, each with its weight as a bar, its write count, and a link to the code that last wrote it.
import type { MemoryView } from "../../../src/shared/inspectData";
import type { MemoryState, SlotChoice } from "../../../src/shared/messages";
import { h } from "./dom";

const plural = (n: number, noun: string) => `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;

function readerName(reader: MemoryView["reader"]): string {
  return "question" in reader ? `“${reader.question}”` : `token ${reader.token}`;
}

/** The view's content: "reading" while undefined, the reason when there is none; links call `open`. */
export function memoryContent(state: MemoryState | undefined, open: (choice: SlotChoice) => void): HTMLElement {
  if (!state) return h("p", { class: "message loading", role: "status" }, "Reading the memory…");
  if ("reason" in state) return h("p", { class: "message info", role: "status" }, state.reason);
  const { view } = state;
  const best = Math.max(1e-9, ...view.shards.flatMap((s) => s.slots.map((slot) => slot.weight)));
  return h("div", { class: "memory-view" },
    h("p", { class: "summary" }, `Read by ${readerName(view.reader)} in ${plural(view.shardsRead, "shard")}: the strongest slots, with where each was last written`),
    ...view.shards.map(({ shard, slots }, s) =>
      h("div", { class: "memory-shard" },
        h("h3", {}, `Shard ${shard}`),
        h("ol", { class: "memory-slots", "aria-label": `Slots read in shard ${shard}` },
          ...slots.map((slot, i) => {
            const where = slot.writer ? `${slot.writer.file}:${slot.writer.line}` : undefined;
            const fill = h("div", { class: "fill" });
            fill.style.width = `${Math.max(2, (slot.weight / best) * 100).toFixed(1)}%`;
            const facts = `slot ${slot.slot} · weight ${slot.weight.toFixed(3)} · ${plural(slot.writes, "write")}`;
            let link: HTMLElement = h("span", { class: "never" }, "never written");
            if (where && slot.writer) {
              link = h("button", {
                type: "button",
                class: "link writer",
                "aria-label": `Slot ${slot.slot}, weight ${slot.weight.toFixed(3)}, ${plural(slot.writes, "write")}: open ${where}, where it was last written (chunk lines ${slot.writer.startLine}–${slot.writer.endLine})`,
              }, where);
              link.addEventListener("click", () => open({ shard: s, slot: i }));
            }
            return h("li", { class: "memory-slot" },
              h("div", { class: "where" }, link, h("span", { class: "score" }, facts)),
              h("div", { class: "bar", "aria-hidden": "true" }, fill));
          })),
      )),
  );
}
