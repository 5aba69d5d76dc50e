import { retext } from 'retext';
import retextEnglish from 'retext-english';
import retextReadability from 'retext-readability';
import type { ProseField } from '../fields.js';

/** A sentence of the executive summary that readability formulas rate as hard, placed in its field. */
export interface HardSentence {
  field: ProseField;
  start: number;
  end: number;
}

// The summary is read by people in a hurry: rate it for an 18-year-old reader (retext-readability's
// formulas), and only sentences long enough for the formulas to mean something.
let processor: ReturnType<typeof build> | undefined;
let captured: { place?: unknown }[] = [];
function build() {
  return retext()
    .use(retextEnglish)
    .use(retextReadability, { age: 18, minWords: 8 })
    .use(() => (_tree, file) => {
      captured = file.messages;
    })
    .freeze();
}

/** The hard-to-read sentences of the given summary fields (their text already masked). */
export function hardSentences(fields: ProseField[], masked: string[]): HardSentence[] {
  processor ??= build();
  const out: HardSentence[] = [];
  fields.forEach((field, i) => {
    const text = masked[i] as string;
    processor?.runSync(processor.parse(text), text);
    for (const m of captured) {
      const place = m.place as { start?: { offset?: number }; end?: { offset?: number } } | undefined;
      const start = place?.start?.offset;
      const end = place?.end?.offset;
      if (start !== undefined && end !== undefined) out.push({ field, start, end });
    }
    captured = [];
  });
  return out;
}
