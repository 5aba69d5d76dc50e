import {
  guidanceFor,
  labelOf,
  SECTION_KEYS,
  type ActionItem,
  type FiveWhys,
  type GuidanceKey,
  type Report,
  type SectionKey,
  type TimelineEvent,
} from '../domain/index.js';
import { stringifyFrontMatter } from './front-matter.js';
import {
  ACTION_FIELDS,
  EVIDENCE_SEPARATOR,
  escapeCell,
  escapeProse,
  FISHBONE_LABELS,
  formatCellInstant,
  NOTES_HEADING,
  SECTION_BLOCKS,
  SECTION_HEADINGS,
  TABLE_COLUMNS,
  UNKNOWN_TIME,
  writeFactorText,
  APPROXIMATE_MARK,
  SPAN_SEPARATOR,
  type BlockSpec,
} from './postmortem.format.js';

type Row = Record<string, unknown>;

const comment = (text: string) => `<!-- ${text} -->`;

function cellText(tableKey: string, field: string, value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return UNKNOWN_TIME;
  if (field === 'at') return formatCellInstant(value as string);
  if (typeof value === 'number') return String(value);
  if (field === 'kind' || field === 'basis' || field === 'status' || field === 'category') {
    return tableKey === 'materials.items' && field === 'kind' ? (value as string) : labelOf(value as string);
  }
  return escapeCell(value as string);
}

/** The Time cell of a timeline row: `~` marks a rough time, ` – ` joins the end of a span. */
function timelineTimeCell(e: TimelineEvent): string {
  const start = `${e.approximate ? APPROXIMATE_MARK : ''}${e.at === null ? UNKNOWN_TIME : formatCellInstant(e.at)}`;
  if (e.end === undefined) return start;
  return `${start}${SPAN_SEPARATOR}${e.endApproximate ? APPROXIMATE_MARK : ''}${formatCellInstant(e.end)}`;
}

function table(tableKey: string, rows: Row[]): string[] {
  const columns = TABLE_COLUMNS[tableKey];
  if (!columns) throw new Error(`no columns for ${tableKey}`);
  const out = [
    `| ${columns.map((c) => c.header).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
  ];
  rows.forEach((row, i) => {
    const cells = columns.map((c) =>
      c.field === '#'
        ? String(i + 1)
        : tableKey === 'details.timeline' && c.field === 'at'
          ? timelineTimeCell(row as unknown as TimelineEvent)
          : cellText(tableKey, c.field, row[c.field]),
    );
    out.push(`| ${cells.join(' | ')} |`);
  });
  return out;
}

/** Blocks are joined with one blank line between them. */
function block(lines: string[], guidance: string | undefined, empty: boolean): string[] {
  if (empty && guidance) return [comment(guidance), '', ...lines];
  return lines;
}

function whys(chains: FiveWhys[]): string[] {
  const out: string[] = [];
  chains.forEach((chain, i) => {
    if (i > 0) out.push('');
    out.push(`#### ${chain.problem}`, '');
    out.push(...table('whys', chain.steps as unknown as Row[]));
    if (chain.conclusion) out.push('', `**Conclusion:** ${chain.conclusion}`);
  });
  return out;
}

function actionLines(a: ActionItem): string[] {
  const out = [`### ${a.id}: ${a.title}`, ''];
  for (const { label, field } of ACTION_FIELDS) {
    let value: unknown;
    const [head, sub] = field.split('.') as [string, string | undefined];
    const whole = (a as unknown as Row)[head];
    if (sub !== undefined) value = (whole as Row | undefined)?.[sub];
    else value = whole;
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      value = value.join(field === 'verification.evidence' ? EVIDENCE_SEPARATOR : ', ');
    }
    const text = ['category', 'priority', 'status', 'verification.result'].includes(field)
      ? labelOf(value as string)
      : (value as string);
    out.push(`- **${label}:** ${text}`);
  }
  return out;
}

function sectionBody(report: Report, key: SectionKey): string[][] {
  const section = report[key] as unknown as Row;
  const blocks: string[][] = [];
  const guide = (g?: GuidanceKey) => (g ? guidanceFor(report.kind, g) : undefined);

  for (const spec of SECTION_BLOCKS[key])
    blocks.push(renderBlock(report, key, spec, section[spec.field], guide(spec.guidance)));

  if (key === 'actions') {
    const items = report.actions.items;
    if (items.length === 0) blocks.push([comment(guidanceFor(report.kind, 'actions.items'))]);
    for (const a of items) blocks.push(actionLines(a));
  }
  if (key === 'materials') {
    const appendices = report.materials.appendices;
    for (const a of appendices) {
      const lines = [`### Appendix ${a.id}: ${a.title}`];
      if (a.content) lines.push('', escapeProse(a.content));
      blocks.push(lines);
    }
  }
  const notes = section.notes as string | undefined;
  if (notes) blocks.push([`### ${NOTES_HEADING}`, '', escapeProse(notes)]);
  return blocks;
}

function renderBlock(
  report: Report,
  key: SectionKey,
  spec: BlockSpec,
  value: unknown,
  guidance?: string,
): string[] {
  const heading = `### ${spec.heading}`;
  const empty = value === undefined || (Array.isArray(value) && value.length === 0);
  switch (spec.type) {
    case 'prose':
      return [heading, '', value === undefined ? comment(guidance ?? '') : escapeProse(value as string)];
    case 'table':
      return [heading, '', ...block(table(`${key}.${spec.field}`, value as Row[]), guidance, empty)];
    case 'list': {
      const items = value as { id: string; text: string; category?: string }[];
      if (items.length === 0) return [heading, '', comment(guidance ?? '')];
      // A contributing factor's category from the taxonomy comes first, in square brackets; a factor's text
      // that would read as one is escaped. Lessons have no category, so their text is written as it is.
      const factors = key === 'analysis' && spec.field === 'factors';
      return [
        heading,
        '',
        ...items.map((i) => `- **${i.id}** ${factors ? writeFactorText(i.text, i.category) : i.text}`),
      ];
    }
    case 'whys': {
      const chains = value as FiveWhys[];
      if (chains.length === 0) return [heading, '', comment(guidance ?? '')];
      return [heading, '', ...whys(chains)];
    }
    case 'fishbone': {
      const causes = report.analysis.fishbone;
      if (causes.length === 0) return [heading, '', comment(guidance ?? '')];
      const lines = [heading, ''];
      for (const c of causes) {
        lines.push(`- **${FISHBONE_LABELS[c.category]}:** ${c.cause}`);
        for (const s of c.subCauses) lines.push(`  - ${s}`);
      }
      return lines;
    }
  }
}

/** Write a report as canonical Postmortem Markdown: YAML front matter, the title, then one H2 per section. */
export function serializePostmortem(report: Report): string {
  const parts: string[] = ['---', stringifyFrontMatter(report).trimEnd(), '---', '', `# ${report.title}`];
  for (const key of SECTION_KEYS) {
    parts.push('', `## ${SECTION_HEADINGS[key]}`);
    for (const b of sectionBody(report, key)) parts.push('', ...b);
  }
  return `${parts.join('\n')}\n`;
}
