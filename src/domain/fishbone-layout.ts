// Where everything of a fishbone diagram goes, computed from the data so every label fits in the drawing.
// Text width is estimated from the character count with a wide average glyph, so wrapped lines stay inside
// their column; the full text of anything shortened stays in the diagram's <title> elements and description.
import { labelOf } from './labels.js';
import { FISHBONE_CATEGORIES, type FishboneCause } from './report.schema.js';

export const WIDTH = 960;
const MARGIN = 12;
const HEAD_W = 170;
const COLUMNS = 3;
const COLUMN_W = (WIDTH - HEAD_W - 2 * MARGIN) / COLUMNS;
/** Room for a cause's words, left of the point where its rib meets the bone. */
export const TEXT_W = 165;
const CAUSE_SIZE = 12;
const SUB_SIZE = 11;
const LINE = 15;
const SUB_LINE = 14;
/** A generous average glyph width, as a share of the font size (system sans-serif is nearer 0.5). */
const GLYPH = 0.58;
const MAX_CAUSE_LINES = 3;
const MAX_SUBS = 4;
const MIN_HALF = 130;

export interface TextLine {
  x: number;
  y: number;
  text: string;
  size: number;
  bold?: boolean;
  anchor?: 'start' | 'middle';
  /** The whole text, when the line shows only part of it. */
  full?: string;
}

export interface FishboneLayout {
  width: number;
  height: number;
  spine: { x1: number; x2: number; y: number };
  head: { x: number; y: number; w: number; h: number; lines: TextLine[] };
  bones: { category: string; x1: number; y1: number; x2: number; y2: number; used: boolean }[];
  ribs: { x1: number; x2: number; y: number; sub?: boolean }[];
  texts: TextLine[];
}

/** Split text into at most `max` lines of at most `chars` characters; the last one ends in … if cut. */
export function wrap(text: string, chars: number, max: number): { lines: string[]; cut: boolean } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const w = word.length > chars ? `${word.slice(0, chars - 1)}…` : word;
    if (!line) line = w;
    else if (line.length + 1 + w.length <= chars) line = `${line} ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= max) return { lines, cut: words.some((w) => w.length > chars) };
  const kept = lines.slice(0, max);
  const last = kept[max - 1]!;
  kept[max - 1] = last.length >= chars ? `${last.slice(0, chars - 1)}…` : `${last}…`;
  return { lines: kept, cut: true };
}

const charsFor = (width: number, size: number) => Math.floor(width / (size * GLYPH));

interface Block {
  cause: FishboneCause;
  lines: string[];
  cut: boolean;
  subs: { lines: string[]; full?: string; more?: boolean }[];
  height: number;
}

function blockOf(cause: FishboneCause): Block {
  const { lines, cut } = wrap(cause.cause, charsFor(TEXT_W, CAUSE_SIZE), MAX_CAUSE_LINES);
  const named = cause.subCauses.map((s) => s.trim()).filter(Boolean);
  const subChars = charsFor(TEXT_W - 14, SUB_SIZE);
  const subs: Block['subs'] = named.slice(0, MAX_SUBS).map((s) => {
    const w = wrap(s, subChars, 2);
    return { lines: w.lines, ...(w.cut || w.lines.length > 1 ? { full: s } : {}) };
  });
  if (named.length > MAX_SUBS) subs.push({ lines: [`+${named.length - MAX_SUBS} more`], more: true });
  const subLines = subs.reduce((n, s) => n + s.lines.length, 0);
  return { cause, lines, cut, subs, height: lines.length * LINE + subLines * SUB_LINE + 10 };
}

/** Lay out the diagram: categories alternate above and below the spine, three columns each side. */
export function layoutFishbone(problem: string, causes: FishboneCause[]): FishboneLayout {
  const named = causes.filter((c) => c.cause.trim());
  const groups = FISHBONE_CATEGORIES.map((category, i) => ({
    category,
    top: i % 2 === 0,
    column: Math.floor(i / 2),
    blocks: named.filter((c) => c.category === category).map(blockOf),
  }));
  const need = (top: boolean) =>
    Math.max(
      MIN_HALF,
      ...groups.filter((g) => g.top === top).map((g) => 34 + g.blocks.reduce((n, b) => n + b.height, 0) + 16),
    );
  const upper = need(true);
  const lower = need(false);
  const spineY = MARGIN + upper;
  const height = spineY + lower + MARGIN;
  const headX = WIDTH - MARGIN - HEAD_W;

  const bones: FishboneLayout['bones'] = [];
  const ribs: FishboneLayout['ribs'] = [];
  const texts: TextLine[] = [];
  for (const g of groups) {
    const left = MARGIN + g.column * COLUMN_W;
    const outerX = left + TEXT_W + 20;
    const innerX = left + COLUMN_W - 8;
    const outerY = g.top ? MARGIN + 22 : height - MARGIN - 22;
    bones.push({
      category: g.category,
      x1: outerX,
      y1: outerY,
      x2: innerX,
      y2: spineY,
      used: g.blocks.length > 0,
    });
    const label = wrap(labelOf(g.category), charsFor(COLUMN_W - 20, 13), 1).lines[0] ?? '';
    texts.push({
      x: outerX,
      y: g.top ? outerY - 8 : outerY + 16,
      text: label,
      size: 13,
      bold: true,
      anchor: 'middle',
    });
    // Causes stack from the label toward the spine above it, and from the spine outward below it.
    let y = g.top ? outerY + 14 : spineY + 20;
    for (const b of g.blocks) {
      // The rib runs under the cause's last line, so it never crosses its words.
      const ribY = y + LINE * b.lines.length - 2;
      const t = (ribY - outerY) / (spineY - outerY);
      const boneX = outerX + (innerX - outerX) * t;
      const textX = boneX - 6 - TEXT_W;
      ribs.push({ x1: textX, x2: boneX, y: ribY });
      b.lines.forEach((line, i) =>
        texts.push({
          x: textX,
          y: y + LINE * (i + 1) - 5,
          text: line,
          size: CAUSE_SIZE,
          ...(b.cut || b.lines.length > 1 ? { full: b.cause.cause } : {}),
        }),
      );
      let sy = y + b.lines.length * LINE;
      for (const s of b.subs) {
        if (!s.more) ribs.push({ x1: textX + 4, x2: textX + 10, y: sy + SUB_LINE - 7, sub: true });
        for (const line of s.lines) {
          texts.push({
            x: textX + 14,
            y: sy + SUB_LINE - 3,
            text: line,
            size: SUB_SIZE,
            ...(s.full ? { full: s.full } : {}),
          });
          sy += SUB_LINE;
        }
      }
      y += b.height;
    }
  }

  const head = wrap(problem.trim() || 'The problem', charsFor(HEAD_W - 16, 12), 5);
  const headH = Math.max(60, head.lines.length * 15 + 16);
  const headLines = head.lines.map((text, i) => ({
    x: headX + 8,
    y: spineY - headH / 2 + 8 + 15 * (i + 1) - 3,
    text,
    size: 12,
    ...(head.cut ? { full: problem } : {}),
  }));
  return {
    width: WIDTH,
    height,
    spine: { x1: MARGIN, x2: headX, y: spineY },
    head: { x: headX, y: spineY - headH / 2, w: HEAD_W, h: headH, lines: headLines },
    bones,
    ribs,
    texts,
  };
}

/** The diagram in words, for screen readers and the accessible description: every cause and detail whole. */
export function describeFishbone(problem: string, causes: FishboneCause[]): string {
  const named = causes.filter((c) => c.cause.trim());
  if (named.length === 0) return `Fishbone diagram of “${problem}”: no causes yet.`;
  const parts = FISHBONE_CATEGORIES.filter((cat) => named.some((c) => c.category === cat)).map((cat) => {
    const list = named
      .filter((c) => c.category === cat)
      .map((c) => {
        const subs = c.subCauses.map((s) => s.trim()).filter(Boolean);
        return subs.length ? `${c.cause} (details: ${subs.join('; ')})` : c.cause;
      });
    return `${labelOf(cat)}: ${list.join('; ')}`;
  });
  return `Fishbone diagram of “${problem}”. ${parts.join('. ')}.`;
}
