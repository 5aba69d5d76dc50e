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

/** The sentences that readability formulas rate as hard to read. */
export function hardSentences(sentences: Sentence[]): HardSentence[] {
  processor ??= build();
  const out: HardSentence[] = [];
  for (const s of sentences) {
    if (!worthRating(s.text)) continue;
    flagged = false;
    processor.runSync(processor.parse(s.text), s.text);
    if (flagged) out.push(s);
  }
  return out;
}
