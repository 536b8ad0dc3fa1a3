// `needle`, model-backed: attention reads each candidate place with the question and answers; where its answer is
// not a value copied from a line naming the key, it scores the literals beside the key instead (keyValues.ts).
// Of the answers whose value is in the text it read, the one the fitted rule (needleRule.ts) is most confident of wins.
// A question asking for several values gets every supported value. Without one, the answer is "" and why.
import { LongLensError } from "../errors";
import type { RankedHit } from "../lexical/lexicalHits";
import type { ModelService } from "../model/modelService";
import type { Hit, MemoryHit, NeedleAnswer, NeedleCandidate, NeedleResult } from "../types";
import { answerValues, stillCopying, valueInWindow } from "./answerValues";
import { type Candidate, needleCandidates } from "./candidates";
import { commentMarker } from "./commentMarker";
import { keyCoverage, keyTerms } from "./keyTerms";
import { keyValues } from "./keyValues";
import { NEEDLE_RULE, confidenceOf } from "./needleRule";
import { needlePrompt } from "./needlePrompt";
import { type AnswerScore, type PromptRead, decodeAnswer, readPrompt, scoreAnswer } from "./readAnswer";
import type { SourceText } from "./sourceText";
import { LOCATE_WINDOW, type SourceWindow, sourceWindow } from "./sourceWindow";

export interface NeedleInputs {
  model: ModelService;
  memory: readonly MemoryHit[];
  lexical: readonly RankedHit[];
  readSource: (file: string) => Promise<SourceText | undefined>;
  signal?: AbortSignal;
}

interface Prompt {
  ids: number[];
  plural: boolean;
  terms: string[];
}

interface Read {
  candidate: Candidate;
  /** The rule's confidence (needleRule.ts); -Infinity for a place not read or an answer not supported. */
  score: number;
  report: NeedleCandidate;
  answers: NeedleAnswer[];
}

/** The memory reads the question as the window's reader would: in the prompt form, with the usual comment marker. */
export function memoryPrompt(question: string): string {
  return needlePrompt(question, "//").text;
}

export async function answerNeedle(question: string, inputs: NeedleInputs): Promise<NeedleResult> {
  const { model, lexical } = inputs;
  const hits = lexical.map((r) => r.hit);
  const fallback = lexical[0];
  const terms = keyTerms(question);
  const candidates = await needleCandidates(inputs.memory, lexical, inputs.readSource, model.tokenizer, terms);
  const prompts = new Map<string, Prompt>();
  const reads: Read[] = [];
  for (const candidate of candidates) {
    if (inputs.signal?.aborted) throw new LongLensError("The question was cancelled.", "CANCELLED");
    const marker = commentMarker(candidate.window.file);
    let prompt = prompts.get(marker);
    if (!prompt) {
      const { text, plural } = needlePrompt(question, marker);
      prompt = { ids: model.tokenizer.encode(text), plural, terms };
      prompts.set(marker, prompt);
    }
    reads.push(await readCandidate(candidate, prompt, inputs));
  }
  reads.sort((a, b) => b.score - a.score || 0); // places not read (-Infinity) tie
  const plural = [...prompts.values()].some((p) => p.plural);
  const given = reads.filter((r) => r.report.supported && r.report.confidence >= NEEDLE_RULE.minConfidence);
  const sure = (r: Read) => r.answers.filter((a) => a.confidence >= NEEDLE_RULE.minConfidence);
  const answers = plural ? distinctValues(given.flatMap(sure).sort((a, b) => b.confidence - a.confidence)) : given.slice(0, 1).flatMap(sure);
  const report = reads.map((r) => r.report);
  const best = answers[0];
  if (!best) {
    return {
      answer: "",
      file: fallback?.hit.file ?? "",
      line: fallback?.bestLine ?? 0,
      confidence: reads[0]?.report.supported ? reads[0].report.confidence : 0,
      hits,
      answers: [],
      reason: noAnswerReason(reads, terms),
      candidates: report,
    };
  }
  return {
    answer: answers.map((a) => a.answer).join(", "),
    file: best.file,
    line: best.line,
    confidence: best.confidence,
    hits: await withAnswerHit(hits, best, inputs),
    column: best.column,
    endColumn: best.endColumn,
    answers,
    candidates: report,
  };
}

async function readCandidate(candidate: Candidate, prompt: Prompt, inputs: NeedleInputs): Promise<Read> {
  const { window } = candidate;
  const source = (await inputs.readSource(window.file))!;
  const report: NeedleCandidate = {
    file: window.file,
    line: candidate.line,
    sources: candidate.sources,
    votes: candidate.votes,
    keyCoverage: keyCoverage(prompt.terms, source.text.slice(window.from, window.to)),
    decoded: "",
    meanLogProb: 0,
    minLogProb: 0,
    memoryShare: candidate.memoryShare,
    keyOnLine: false,
    scored: false,
    values: [],
    supported: false,
    confidence: 0,
  };
  // A window that does not name the key cannot hold its value: it is not read.
  if (report.keyCoverage < NEEDLE_RULE.minKeyCoverage) return { candidate, score: -Infinity, report, answers: [] };
  let read = await readWindow(window, prompt, source, inputs);
  // The model copies the value nearest the question, and a near-miss key's value may follow the asked one: read
  // again with the window ending at the asked key's line, so nothing after it competes.
  const keyLine = read.answers.length === 0 ? nearestKeyLine(source, window, prompt.terms, candidate.line) : undefined;
  const before = keyLine === undefined ? undefined : sourceWindow(source, window.file, keyLine + 1, inputs.model.tokenizer, LOCATE_WINDOW, "end");
  if (before && before.to < window.to) read = await readWindow(before, prompt, source, inputs);
  // Free decoding copied no value from a line naming the key (code-shaped values often are not copied): the
  // model scores the literals beside the key instead, and the likeliest is its answer.
  const decoded = read.text;
  if (!read.keyOnLine) read = (await scoreKeyValues(read, prompt, source)) ?? read;
  const features = (score: AnswerScore) => ({ ...score, memoryShare: candidate.memoryShare, keyOnLine: read.keyOnLine, scored: read.scored });
  const answers = read.answers.map((a) => ({ ...a, confidence: confidenceOf(features(a.score)) }));
  const best = answers[0];
  const supported = !!best;
  const { meanLogProb, minLogProb } = best ? read.answers[0]!.score : read;
  const confidence = best?.confidence ?? 0;
  Object.assign(report, { decoded, meanLogProb, minLogProb, keyOnLine: read.keyOnLine, scored: read.scored, values: answers.map((a) => a.answer), supported, confidence });
  return { candidate, score: supported ? confidence : -Infinity, report, answers: answers.map(({ score: _, ...a }) => a) };
}

interface WindowRead extends AnswerScore {
  window: SourceWindow;
  state: PromptRead;
  text: string;
  keyOnLine: boolean;
  scored: boolean;
  /** Best first; each with the log-probabilities its confidence is computed from. */
  answers: (NeedleAnswer & { score: AnswerScore })[];
}

/**
 * One read of a window: the model's answer, and its values where they stand beside the key. A single value
 * must; of several, those that do are kept (the model often runs on after the last value with one of its own).
 */
async function readWindow(window: SourceWindow, prompt: Prompt, source: SourceText, inputs: NeedleInputs): Promise<WindowRead> {
  const windowText = source.text.slice(window.from, window.to);
  const state = await readPrompt(inputs.model, window.ids, prompt.ids);
  const { text, meanLogProb, minLogProb } = await decodeAnswer(state, (soFar) => !stillCopying(windowText, soFar));
  // The value's own lines must name the key: a near-miss key's value sits beside the other key.
  const namesKey = (offset: number) => {
    const { line } = source.place(offset);
    return keyCoverage(prompt.terms, source.lines(line - 1, line + 1)) >= NEEDLE_RULE.minKeyCoverage;
  };
  const onKeyLine = (a: NeedleAnswer) => keyCoverage(prompt.terms, source.lines(a.line, a.line)) >= NEEDLE_RULE.minKeyCoverage;
  const answers: WindowRead["answers"] = [];
  for (const value of answerValues(text, prompt.plural)) {
    const span = valueInWindow(source, window, value, namesKey);
    const answer = span && answerAt(source, window.file, value, span);
    // The first value's line is a feature of the rule; a further one must name the key itself (the model runs on
    // into the next line's value, and a near miss or a sibling on that line passes the key check).
    if (answer && (answers.length === 0 || onKeyLine(answer))) answers.push({ ...answer, score: { meanLogProb, minLogProb } });
  }
  const keyOnLine = !!answers[0] && onKeyLine(answers[0]);
  return { window, state, text, meanLogProb, minLogProb, keyOnLine, scored: false, answers };
}

/**
 * The literals beside the key in the window the read saw, each scored as the answer's continuation; the likeliest
 * first (every one, for a question asking for several). Undefined when the window has none.
 */
async function scoreKeyValues(read: WindowRead, prompt: Prompt, source: SourceText): Promise<WindowRead | undefined> {
  const found = keyValues(source, read.window, prompt.terms);
  if (found.length === 0) return undefined;
  const scored = [];
  for (const kv of found) scored.push({ ...answerAt(source, read.window.file, kv.value, [kv.from, kv.to]), score: await scoreAnswer(read.state, ` ${kv.value}`) });
  scored.sort((a, b) => b.score.meanLogProb - a.score.meanLogProb);
  return { ...read, ...scored[0]!.score, keyOnLine: true, scored: true, answers: prompt.plural ? scored : scored.slice(0, 1) };
}

function answerAt(source: SourceText, file: string, value: string, span: readonly [number, number]): NeedleAnswer {
  const at = source.place(span[0]);
  return { answer: value, file, line: at.line, column: at.column, endColumn: at.column + (span[1] - span[0]), confidence: 0 };
}

/** The line of the window that names every key term, nearest `line`; undefined when none does. */
function nearestKeyLine(source: SourceText, window: SourceWindow, terms: readonly string[], line: number): number | undefined {
  const first = source.place(window.from).line;
  const last = source.place(Math.max(window.from, window.to - 1)).line;
  let best: number | undefined;
  for (let l = first; l <= last; l++) {
    if (keyCoverage(terms, source.lines(l, l)) < NEEDLE_RULE.minKeyCoverage) continue;
    if (best === undefined || Math.abs(l - line) < Math.abs(best - line)) best = l;
  }
  return best;
}

/** Each value once, at its surest place. */
function distinctValues(answers: NeedleAnswer[]): NeedleAnswer[] {
  const seen = new Map<string, NeedleAnswer>();
  for (const a of answers) if (!seen.has(a.answer)) seen.set(a.answer, a);
  return [...seen.values()];
}

function noAnswerReason(reads: Read[], terms: readonly string[]): string {
  if (terms.length === 0) return "The question names nothing to look for (no words or identifiers).";
  if (reads.length === 0) return "Nothing in the index matches the question, and the memory points nowhere.";
  const read = reads.filter((r) => r.report.keyCoverage >= NEEDLE_RULE.minKeyCoverage);
  if (read.length === 0) return `No place the memory or the lexical index points to names ${terms.join(", ")}.`;
  const supported = read.find((r) => r.report.supported);
  if (!supported) return `The model's answers are not values beside the key in the code it read (best: "${read[0]!.report.decoded.trim().slice(0, 80)}").`;
  return `The model is not sure enough of any answer (best confidence ${supported.report.confidence.toFixed(2)}, needs ${NEEDLE_RULE.minConfidence}).`;
}

/** The lexical hits, led by the answer's line when no hit covers it (so a reader of `hits` finds the answer). */
async function withAnswerHit(hits: Hit[], best: NeedleAnswer, inputs: NeedleInputs): Promise<Hit[]> {
  if (hits.some((h) => h.file === best.file && h.startLine <= best.line && best.line <= h.endLine)) return hits;
  const source = (await inputs.readSource(best.file))!;
  const snippet = source.lines(best.line, best.line).trimEnd();
  const fromMemory = inputs.memory.some((m) => m.file === best.file && m.startLine <= best.line && best.line <= m.endLine);
  return [{ file: best.file, startLine: best.line, endLine: best.line, score: best.confidence, snippet, sources: fromMemory ? ["model", "memory"] : ["model"] }, ...hits];
}
