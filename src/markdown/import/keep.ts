// Free text kept verbatim: chunks of source per model field, joined into each field's text at the end.
import type { ListItem, Nodes } from 'mdast';
import { AppError, LIMITS } from '../../domain/index.js';
import type { ActionDraft } from './actions.extract.js';
import type { Section } from './document.js';
import type { FreeTextBlock } from './recognition.js';
import { endLineOf, lineOf, oneLine, sliceOf } from './text.util.js';

/** A run of source kept for a field, with where it came from. */
export interface Chunk {
  text: string;
  label?: string;
  /** The section's own field: no label needed when it is the only one there. */
  natural: boolean;
  section?: Section;
  line: number;
  endLine: number;
}

const NOTES_FIELDS = new Set([
  'summary.notes',
  'details.notes',
  'impact.notes',
  'analysis.notes',
  'lessons.notes',
  'actions.notes',
  'materials.notes',
]);
const ONLY_COMMENT = /^<!--(?:(?!-->)[\s\S])*-->$/;

/**
 * How source is kept as free text, verbatim: chunks per model field, runs of blocks sliced as one, list
 * entries with their overflow, and actions with their full text when cut.
 */
export function keepers(src: string, fields: Map<string, Chunk[]>, drafts: ActionDraft[]) {
  const addChunk = (field: string, chunk: Chunk) => {
    if (!chunk.text.trim()) return;
    const list = fields.get(field) ?? [];
    list.push({ ...chunk, text: chunk.text.trim() });
    fields.set(field, list);
  };
  const chunkOf = (
    first: Nodes,
    last: Nodes,
    section: Section | undefined,
    natural: boolean,
    label?: string,
  ): Chunk => {
    const chunk: Chunk = {
      text: sliceOf(src, first, last),
      natural,
      line: lineOf(first),
      endLine: endLineOf(last),
    };
    if (label) chunk.label = label;
    if (section) chunk.section = section;
    return chunk;
  };

  // Runs of consecutive kept blocks are sliced as one, so the text between them survives exactly.
  const keep = (field: string, blocks: Nodes[], section: Section | undefined, natural: boolean) => {
    let run: Nodes[] = [];
    const flush = () => {
      if (!run.length) return;
      addChunk(field, chunkOf(run[0] as Nodes, run.at(-1) as Nodes, section, natural));
      run = [];
    };
    blocks.forEach((b, i) => {
      const prev = blocks[i - 1];
      if (prev && prev.position?.end.offset !== undefined && b.position?.start.offset !== undefined) {
        const between = src.slice(prev.position.end.offset, b.position.start.offset);
        if (between.trim() !== '') flush();
      }
      run.push(b);
    });
    flush();
  };

  const keepExtras = (
    field: string,
    extras: { item: ListItem; blocks: ListItem['children'] }[],
    section: Section,
  ) => {
    for (const e of extras) keep(field, e.blocks, section, false);
  };

  // A list of one-line entries (factors, lessons): each item's first block is the entry, `add` stores it and
  // names it; an entry too long for one line also keeps its full text in `notes`, as do the item's other blocks.
  const takeListEntries = (
    items: ListItem[],
    notes: string,
    section: Section,
    add: (line: string) => void,
    name: () => string,
  ) => {
    for (const item of items) {
      const head = item.children[0];
      const { line, overflow } = oneLine(head ? sliceOf(src, head) : '');
      if (line) add(line);
      if (overflow)
        addChunk(notes, chunkOf(head as Nodes, head as Nodes, section, false, `${name()} in full`));
      keep(notes, item.children.slice(1), section, false);
    }
  };

  const addAction = (d: ActionDraft, section: Section | undefined) => {
    drafts.push(d);
    if (d.overflow) {
      const chunk: Chunk = {
        text: d.overflow,
        natural: false,
        line: d.line,
        endLine: d.line,
        label: `A${drafts.length} in full`,
      };
      if (section) chunk.section = section;
      addChunk('actions.notes', chunk);
    }
  };
  return { addChunk, keep, keepExtras, takeListEntries, addAction };
}

/** The ways of keeping free text that `keepers` gives. */
export type Keepers = ReturnType<typeof keepers>;

/**
 * The text of each field from its chunks, in order: a chunk is labelled with its heading only where a field
 * mixes sections (notes always). Records where free text was kept; refuses a field over the size limit.
 */
export function assembleTextFields(
  fields: Map<string, Chunk[]>,
  freeText: FreeTextBlock[],
  warnings: string[],
  file: string | undefined,
): Record<string, string> {
  const textFields: Record<string, string> = {};
  for (const [field, chunks] of fields) {
    const single =
      new Set(chunks.map((c) => c.section)).size === 1 && chunks.every((c) => c.natural && !c.label);
    const parts = chunks.map((c, i) => {
      let label = c.label;
      const prev = chunks[i - 1];
      // A section's heading labels its text when the field mixes sections; consecutive chunks share one label.
      const sameSection = prev !== undefined && prev.section === c.section && !prev.label;
      // Notes gather text from anywhere, so there each section's text always carries its heading.
      const notes = NOTES_FIELDS.has(field);
      if (
        !label &&
        (!single || notes) &&
        c.section?.heading &&
        !sameSection &&
        !(i === 0 && c.natural && !notes)
      ) {
        label = c.section.label;
      }
      if (!label && c.section?.inherited && !sameSection) label = c.section.label;
      return label ? `**${label}**\n\n${c.text}` : c.text;
    });
    const value = parts.join('\n\n').trim();
    if (ONLY_COMMENT.test(value)) {
      warnings.push(`line ${chunks[0]?.line}: ${field} held only an HTML comment, which was left out`);
      continue;
    }
    if (!value) continue;
    if (value.length > LIMITS.text) {
      throw new AppError(
        'too_large',
        `${file ? `${file}:` : 'line '}${chunks[0]?.line}: the text for ${field} is ${value.length.toLocaleString('en-US')} characters; a field may hold ${LIMITS.text.toLocaleString('en-US')}`,
      );
    }
    textFields[field] = value;
    for (const c of chunks) {
      if (NOTES_FIELDS.has(field) || !c.natural)
        freeText.push({ line: c.line, endLine: c.endLine, keptIn: field });
    }
  }
  return textFields;
}
