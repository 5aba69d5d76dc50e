import { retext } from 'retext';
import retextEnglish from 'retext-english';
import retextReadability from 'retext-readability';
import type { Sentence } from './analyse.js';

/** A sentence of the executive summary that readability formulas rate as hard. */
export type HardSentence = Sentence;

// The summary is read by people in a hurry: rate it for an 18-year-old reader with retext-readability's
// formulas, on sentences long enough for the formulas to mean something.
let processor: ReturnType<typeof build> | undefined;
let flagged = false;
function build() {
  return retext()
    .use(retextEnglish)
    .use(retextReadability, { age: 18, minWords: 8 })
    .use(() => (_tree, file) => {
      flagged = file.messages.length > 0;
    })
    .freeze();
}

// The formulas cost about 0.2 ms a sentence; short sentences of short words never fail them,
// so only sentences that are long or full of long words are rated.
function worthRating(text: string): boolean {
  const words = text.match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  if (words.length < 8) return false;
  const letters = words.reduce((n, w) => n + w.length, 0);
  return words.length >= 15 || letters / words.length >= 6;
}

// The rating is a function of the text alone, and an editor lints the same summary on every pause: each text is
// rated once per process (bounded for servers, in entries and in bytes: a longer text is rated every time).
const rated = new Map<string, boolean>();
const RATED_MAX = 20_000;
const RATED_TEXT_MAX = 1_000;
function isHard(text: string): boolean {
  let hard = rated.get(text);
  if (hard === undefined) {
    processor ??= build();
    flagged = false;
    processor.runSync(processor.parse(text), text);
    hard = flagged;
    if (text.length <= RATED_TEXT_MAX) {
      if (rated.size >= RATED_MAX) rated.clear();
      rated.set(text, hard);
    }
  }
  return hard;
}

/** The characters of the texts whose rating is kept (for tests of the bound). */
export function ratedChars(): number {
  let n = 0;
  for (const text of rated.keys()) n += text.length;
  return n;
}

/** The sentences that readability formulas rate as hard to read. */
export function hardSentences(sentences: Sentence[]): HardSentence[] {
  return sentences.filter((s) => worthRating(s.text) && isHard(s.text));
}
