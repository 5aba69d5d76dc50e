import { isLiteral } from 'nlcst-is-literal';
import { toString } from 'nlcst-to-string';
import { retext } from 'retext';
import retextEnglish from 'retext-english';
import { visit } from 'unist-util-visit';
import type { ProseField } from '../fields.js';
import { maskProse } from './mask.js';
import { isKnownWord, realMisspellings, warmUpSpelling, type SpellingLanguage } from './spelling.js';

/** A sentence of one field: its masked text and where it starts inside the field's text. */
export interface Sentence {
  field: ProseField;
  /** The sentence as the rules read it (code and URLs blanked out). */
  text: string;
  /** Offset of the sentence's first character in the field's text. */
  start: number;
}

/** An unknown word (one the language's Hunspell dictionary does not know), placed in a field. */
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
// The run is synchronous, so one slot is enough to hand the tree and the unknown words of the current run back.
let captured: { tree: unknown; unknown: Span[] } | undefined;
interface Span {
  start: number;
  end: number;
}
type WordTree = Parameters<typeof visit>[0];
type WordParent = Parameters<typeof isLiteral>[0];
/** A WordNode of the retext tree: TextNode, SymbolNode and PunctuationNode children. */
interface WordNode {
  type: string;
  children: { type: string; value: string }[];
  position?: { start: { offset?: number }; end: { offset?: number } };
}

/** Digits and clock times are not words to spell-check. */
const irrelevant = (word: string) => /^\d+$/.test(word) || /^\d{1,2}:\d{2}(?:[ap]\.?m\.?)?$/i.test(word);

/**
 * The unknown words of a tree, as retext-spell 6 finds them with `ignoreLiteral` and `normalizeApostrophes` on:
 * a word in quotes or brackets on its own is skipped, and a word made of parts (`alpha-bravo`) is known when each
 * part is. Its messages are not made (each is an Error with a stack, a third of the plugin's time) and each word is
 * looked up once per process (see isKnownWord), not once per use.
 */
function unknownWords(tree: WordTree, language: 'en-US' | 'en-GB'): Span[] {
  const found: Span[] = [];
  visit(tree, 'WordNode', (visited, position, parent) => {
    const node = visited as unknown as WordNode;
    if (!parent || position === undefined || isLiteral(parent as WordParent, position)) return;
    const actual = toString(node as Parameters<typeof toString>[0]).replace(/’/g, "'");
    if (irrelevant(actual)) return;
    let correct = isKnownWord(actual, language);
    if (!correct && node.children.length > 1) {
      correct = true;
      for (const child of node.children) {
        if (child.type !== 'TextNode' || irrelevant(child.value)) continue;
        if (!isKnownWord(child.value, language)) correct = false;
      }
    }
    const at = node.position;
    if (!correct && at?.start.offset !== undefined && at.end.offset !== undefined)
      found.push({ start: at.start.offset, end: at.end.offset });
  });
  return found;
}

function buildProcessor(language: 'en-US' | 'en-GB' | 'none') {
  return retext()
    .use(retextEnglish)
    .use(() => (tree: unknown) => {
      captured = { tree, unknown: language === 'none' ? [] : unknownWords(tree as WordTree, language) };
    })
    .freeze();
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
  for (const { start: s, end: e } of run.unknown) {
    const i = fieldAt(s);
    const base = starts[i] as number;
    messages.push({
      field: fields[i] as ProseField,
      word: doc.slice(s, e),
      start: s - base,
      end: e - base,
    });
  }
  return { sentences, messages };
}
