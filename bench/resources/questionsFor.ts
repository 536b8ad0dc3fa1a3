// Questions for the ask-in-a-row measurement: different each time (so that nothing can be answered from a
// cache), built from the words of the tree's own file names, in a seeded order.
import { readdir } from "node:fs/promises";
import { identifierParts } from "../../src/engine/lexical/terms";
import { seeded } from "../index/heldoutTrees";

const FORMS = ["where is the {} {} computed?", "how does {} handle {}?", "which function reads the {} of a {}?", "what calls {} with {}?"];

export async function askQuestions(root: string, count: number): Promise<string[]> {
  const names = (await readdir(root, { recursive: true })).map((file) => file.split("/").pop()!.replace(/\.\w+$/, ""));
  const words = [...new Set(names.flatMap((name) => identifierParts(name).concat(name.toLowerCase())))].filter((word) => /^[a-z]{3,}$/.test(word)).sort();
  const random = seeded(7);
  const questions = new Set<string>();
  for (let tries = 0; questions.size < count && tries < count * 100; tries++) {
    const [a, b] = [words[Math.floor(random() * words.length)]!, words[Math.floor(random() * words.length)]!];
    questions.add(FORMS[questions.size % FORMS.length]!.replace("{}", a).replace("{}", b));
  }
  return [...questions];
}
