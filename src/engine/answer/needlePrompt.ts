// A needle question in the form the model was trained and measured on (RULER's, models/training/needles.py
// question_text): a comment asking for the value, then the start of the answer sentence, so the value follows
// the same words as in the needle. A question already in that form is used as it is.

export interface NeedlePrompt {
  /** What the model reads after the window. */
  text: string;
  /** The question asks for several values ("What are ...", "... numbers"). */
  plural: boolean;
}

const WH_QUESTION = /^(?:what|which)\s+(is|are|was|were)\s+(.+)$/i;
const PLURAL_WORDS = /\b(?:numbers|values|uuids|ids|keys|names|settings)\b/i;

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `comment` is the line-comment marker of the file the window comes from ("//", "#"). */
export function needlePrompt(question: string, comment: string): NeedlePrompt {
  if (/\bAnswer:/.test(question)) {
    const answerLine = question.slice(question.lastIndexOf("Answer:"));
    return { text: question, plural: /\b(?:are|were)\s*:\s*$/.test(answerLine) || PLURAL_WORDS.test(answerLine) };
  }
  // One line: a line break would end the question's comment.
  const plain = question.replace(/\s+/g, " ").trim().replace(/[?.!\s]+$/, "");
  const wh = WH_QUESTION.exec(plain);
  let subject: string;
  let verb: string;
  if (wh) {
    verb = /^(?:are|were)$/i.test(wh[1]!) ? "are" : "is";
    subject = wh[2]!;
  } else {
    // A bare name ("ADLER_MOD") asks for its value; a phrase ("magic number for the misty harbor") names the value.
    subject = plain.includes(" ") ? (/^(?:the|a|an)\s/i.test(plain) ? plain : `the ${plain}`) : `the value of ${plain}`;
    verb = PLURAL_WORDS.test(plain) ? "are" : "is";
  }
  const plural = verb === "are" || PLURAL_WORDS.test(subject);
  const asked = wh ? capitalised(plain) : `What ${verb} ${subject}`;
  return { text: `\n${comment} Question: ${asked}?\n${comment} Answer: ${capitalised(subject)} ${verb}:`, plural };
}
