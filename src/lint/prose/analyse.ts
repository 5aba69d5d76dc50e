import dictionaryEn from 'dictionary-en';
import dictionaryEnGb from 'dictionary-en-gb';
import { retext } from 'retext';
import retextEnglish from 'retext-english';
import retextSpell from 'retext-spell';
import type { ProseField } from '../fields.js';
import { maskProse } from './mask.js';
import { realMisspellings, warmUpSpelling, type SpellingLanguage } from './spelling.js';

/** A sentence of one field: its masked text and where it starts inside the field's text. */
export interface Sentence {
  field: ProseField;
  /** The sentence as the rules read it (code and URLs blanked out). */
  text: string;
  /** Offset of the sentence's first character in the field's text. */
  start: number;
}

/** An unknown word reported by retext-spell, placed in a field. */
export interface PluginMessage {
  field: ProseField;
  word: string;
  start: number;
  end: number;
}

export interface ProseAnalysis {
  sentences: Sentence[];
  messages: PluginMessage[];
}

// Built once per process and language: loading a dictionary takes about a second, a run on a report a few ms.
const processors = new Map<string, ReturnType<typeof buildProcessor>>();
function processorFor(language: SpellingLanguage, spelling: boolean): ReturnType<typeof buildProcessor> {
  // "en" (either spelling) runs the American dictionary; the spelling filter asks the British one about the rest.
  // With the spelling rule off, no dictionary is loaded at all: sentences only.
  const key = spelling ? (language === 'en-GB' ? 'en-GB' : 'en-US') : 'none';
  let p = processors.get(key);
  if (!p) {
    p = buildProcessor(key);
    processors.set(key, p);
  }
  return p;
}
// The run is synchronous, so one slot is enough to hand the tree and file of the current run back.
let captured: { tree: unknown; messages: VFileMessages } | undefined;
type VFileMessages = {
  source?: string | null;
  ruleId?: string | null;
  place?: unknown;
  expected?: unknown;
}[];
function buildProcessor(language: 'en-US' | 'en-GB' | 'none') {
  const capture = () => (tree: unknown, file: { messages: VFileMessages }) => {
    captured = { tree, messages: file.messages };
  };
  if (language === 'none') return retext().use(retextEnglish).use(capture).freeze();
  return (
    retext()
      .use(retextEnglish)
      // max -1: no suggestions here. They cost up to 100 ms a word, and most unknown words turn out to be
      // names and systems; suggestions are computed later for the words that remain (see spelling.ts).
      .use(retextSpell, { dictionary: language === 'en-GB' ? dictionaryEnGb : dictionaryEn, max: -1 })
      .use(capture)
      .freeze()
  );
}

/** Build the shared retext pipeline now rather than on the first lint (for servers and benchmarks). */
export function warmUpProse(language: SpellingLanguage = 'en'): void {
  analyseProse([{ path: ['title'], section: 'summary', text: 'Warm up the speling checker.' }], language);
  // The filter's dictionaries: British spellings, the software terms, cspell's American English and its common
  // misspellings (a word none of them knows reaches every one).
  realMisspellings(
    [{ field: { path: ['title'], section: 'summary', text: 'speling' }, word: 'speling', start: 0, end: 7 }],
    { people: { names: new Set(), things: new Set() }, dictionary: new Set(), language, counts: new Map() },
  );
  warmUpSpelling();
}

const SEPARATOR = '\n\n';

interface Node {
  type: string;
  children?: Node[];
  position?: { start: { offset?: number }; end: { offset?: number } };
}

/**
 * Split the fields into sentences and collect spelling messages, in one retext run; with `spelling` false, the
 * sentences only (no dictionary is loaded, no messages).
 */
export function analyseProse(
  fields: ProseField[],
  language: SpellingLanguage = 'en',
  spelling = true,
): ProseAnalysis {
  const processor = processorFor(language, spelling);
  if (fields.length === 0) return { sentences: [], messages: [] };
  // One document per call: fields joined by blank lines so no sentence spans two fields.
  const starts: number[] = [];
  let doc = '';
  for (const f of fields) {
    if (doc) doc += SEPARATOR;
    starts.push(doc.length);
    doc += maskProse(f.text);
  }
  const fieldAt = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // parse + run only: stringifying the tree back would be wasted work.
  processor.runSync(processor.parse(doc), doc);
  const run = captured;
  captured = undefined;
  if (!run) return { sentences: [], messages: [] };
  const tree = run.tree;

  const sentences: Sentence[] = [];
  const walk = (node: Node) => {
    if (node.type === 'SentenceNode') {
      const s = node.position?.start.offset;
      const e = node.position?.end.offset;
      if (s !== undefined && e !== undefined) {
        const i = fieldAt(s);
        sentences.push({
          field: fields[i] as ProseField,
          text: doc.slice(s, e),
          start: s - (starts[i] as number),
        });
      }
      return;
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(tree as unknown as Node);

  const messages: PluginMessage[] = [];
  for (const m of run.messages) {
    const place = m.place as { start?: { offset?: number }; end?: { offset?: number } } | undefined;
    const s = place?.start?.offset;
    const e = place?.end?.offset;
    if (s === undefined || e === undefined) continue;
    const i = fieldAt(s);
    const base = starts[i] as number;
    if (m.source !== 'retext-spell' || m.ruleId === 'overflow') continue;
    messages.push({
      field: fields[i] as ProseField,
      word: doc.slice(s, e),
      start: s - base,
      end: e - base,
    });
  }
  return { sentences, messages };
}
