// What the readers of sections share: the parts of the model found so far, the ways of keeping free text,
// and the dispatch from a section's role to its reader.
import type { ListItem, Nodes } from 'mdast';
import type { FinancialLine, ImpactFigure, WhyStep } from '../../../domain/index.js';
import type { ActionDraft } from '../actions.extract.js';
import type { Section } from '../document.js';
import type { Chunk } from '../keep.js';
import type { RecognizedHeading } from '../recognition.js';
import { plainInline } from '../text.util.js';
import type { Zone } from '../time.parse.js';
import type { RawRow } from '../timeline.extract.js';
import { readActions } from './actions.section.js';
import { readAppendix } from './appendix.section.js';
import { readFactors } from './factors.section.js';
import { readLessons } from './lessons.section.js';
import { readPeople } from './people.section.js';
import { readProse } from './prose.section.js';
import { readTimeline } from './timeline.section.js';
import { readWhys } from './whys.section.js';

/** What the readers of sections add to: the parts of the model found so far, and how to keep free text. */
export interface SectionReader {
  src: string;
  warnings: string[];
  headings: RecognizedHeading[];
  rows: RawRow[];
  drafts: ActionDraft[];
  actionGroups: { label: string; first: number; last: number; line: number }[];
  factors: string[];
  lessons: Record<'wentWell' | 'wentWrong' | 'couldImprove' | 'lucky', { id: string; text: string }[]>;
  involved: string[];
  authors: string[];
  appendices: { title: string; content?: string; line: number; endLine: number }[];
  timelineProse: string[];
  otherProse: string[];
  fiveWhys: { problem: string; steps: WhyStep[]; line: number }[];
  financial: FinancialLine[];
  figures: ImpactFigure[];
  figureLines: number[];
  timelineHeadings: string[];
  titleText: string;
  lessonCount: number;
  /** Changes with each date heading or date line of a timeline, so rows know when a new day starts. */
  dateKey: number;
  /** A zone named in the timeline's own heading. */
  headingZone?: { zone: Zone; phrase: string };
  keep(field: string, blocks: Nodes[], section: Section | undefined, natural: boolean): void;
  keepExtras(
    field: string,
    extras: { item: ListItem; blocks: ListItem['children'] }[],
    section: Section,
  ): void;
  takeListEntries(
    items: ListItem[],
    notes: string,
    section: Section,
    add: (line: string) => void,
    name: () => string,
  ): void;
  addAction(d: ActionDraft, section: Section | undefined): void;
  addChunk(field: string, chunk: Chunk): void;
}

/** Read one section into the model by its role; returns where its content went. */
export function readSection(ctx: SectionReader, section: Section): string {
  switch (section.role) {
    case 'timeline':
      return readTimeline(ctx, section);
    case 'factors':
      return readFactors(ctx, section);
    case 'remediation':
    case 'actions':
      return readActions(ctx, section);
    case 'lessons':
    case 'wentWell':
    case 'wentWrong':
    case 'couldImprove':
    case 'lucky':
      return readLessons(ctx, section);
    case 'whys':
      return readWhys(ctx, section);
    case 'attendees':
    case 'authors':
      return readPeople(ctx, section);
    case 'appendix':
      return readAppendix(ctx, section);
    default:
      return readProse(ctx, section);
  }
}

/** Appendix ids: A-Z, then AA, AB… */
export function appendixId(n: number): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return n < 26 ? (letters[n] as string) : `${letters[Math.floor(n / 26) - 1]}${letters[n % 26]}`;
}

/** Names in a line: split at commas, semicolons, "and" and "&". */
export function namesFrom(text: string): string[] {
  return plainInline(text)
    .split(/[,;]|(?<!\s)\s+(?:and|&)\s+/)
    .map((s) => s.trim().replace(/^[-*+]\s+/, ''))
    .filter(Boolean);
}
