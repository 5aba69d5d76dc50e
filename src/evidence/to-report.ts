import {
  type Appendix,
  type Change,
  type Material,
  type Report,
  type TimelineEvent,
  LIMITS,
  parseInstant,
  reportSchema,
} from '../domain/index.js';
import { type Candidate, oneLine } from './candidate.js';

const CHAT = new Set(['slack', 'mattermost', 'teams']);

/** The change-analysis entry of a commit or deploy candidate. */
export function toChange(c: Candidate): Change {
  const change: Change = { at: c.at, change: oneLine(c.change?.summary || c.text), source: c.source };
  const link = c.change?.url ?? c.link;
  if (link) change.link = oneLine(link);
  return change;
}

/** The timeline event of a chosen candidate: its suggested (or chosen) kind, text, actor, source and link. */
export function toTimelineEvent(
  c: Candidate,
  kind: TimelineEvent['kind'] = c.suggestion?.kind ?? 'other',
): TimelineEvent {
  const e: TimelineEvent = { at: c.at, kind, text: c.text, source: c.source, evidence: c.link };
  if (c.actor) e.actor = c.actor;
  return e;
}

/** The file (or export) a link points into: everything before `:line`, `#…` or `@sha`. */
export function linkTarget(link: string): string {
  if (/^https?:\/\//i.test(link)) return link;
  // The first `#` on the last line, found by index: `/#.*$/` is quadratic on a run of `#`.
  const hash = link.indexOf('#', link.lastIndexOf('\n') + 1);
  return (hash === -1 ? link : link.slice(0, hash)).replace(/:\d+$/, '').replace(/@[0-9a-f]{7,40}$/, '');
}

function nextMaterialId(items: Material[]): number {
  let n = 0;
  for (const m of items) n = Math.max(n, Number(m.id.slice(1)) || 0);
  return n + 1;
}

function nextAppendixId(appendices: Appendix[]): string {
  const used = new Set(appendices.map((a) => a.id));
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of ['', ...letters]) for (const b of letters) if (!used.has(`${a}${b}`)) return `${a}${b}`;
  throw new Error('no appendix id left');
}

/** What adding evidence to a report did. */
export interface AddedEvidence {
  events: number;
  materials: number;
  changes: number;
  appendix?: string;
}

/** How to add evidence; all optional. */
export interface AddEvidenceOptions {
  /** The kind each chosen candidate's timeline event gets (default: its suggested kind). */
  kindOf?: (c: Candidate) => TimelineEvent['kind'];
  /** The title of the excerpt appendix. */
  title?: string;
  /**
   * The evidence is one file stored with the report (an upload): its supporting material links to it as
   * `attachment:<id>` — one material for the whole file, zip or not — instead of one per file path.
   */
  attachment?: { id: string; filename: string };
}

/**
 * Add chosen candidates to a report: timeline events in time order (existing entries keep their order),
 * one supporting material per evidence file (log or communication), one appendix holding the source
 * excerpts, and commits and deploys as entries of the change analysis. Running it twice adds nothing twice.
 */
export function addEvidenceToReport(
  report: Report,
  chosen: readonly Candidate[],
  options: AddEvidenceOptions = {},
): { report: Report; added: AddedEvidence } {
  const next: Report = structuredClone(report);
  const added: AddedEvidence = { events: 0, materials: 0, changes: 0 };
  const timeline = next.details.timeline;
  const seen = new Set(timeline.map((e) => `${e.at}\u0000${e.text}`));
  const changesSeen = new Set(next.analysis.changes.map((c) => `${c.at ?? ''}\u0000${c.change}`));
  const materialByTarget = new Map(
    next.materials.items.filter((m) => m.link).map((m) => [m.link as string, m]),
  );
  let materialNo = nextMaterialId(next.materials.items);
  const excerpts = new Map<string, string[]>();

  for (const c of chosen) {
    if (c.change) {
      const ch = toChange(c);
      const key = `${ch.at ?? ''}\u0000${ch.change}`;
      if (!changesSeen.has(key)) {
        changesSeen.add(key);
        next.analysis.changes.push(ch);
        added.changes += 1;
      }
      // Commits are change-analysis material; they enter the timeline only when inside the period.
      if (c.change.type === 'commit' && !inPeriod(next, c.ms)) continue;
    }
    const event = toTimelineEvent(c, options.kindOf?.(c));
    const key = `${event.at}\u0000${event.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    timeline.push(event);
    added.events += 1;
    const file = options.attachment;
    const target = file ? `attachment:${file.id}` : oneLine(linkTarget(c.link));
    let material = materialByTarget.get(target);
    if (!material) {
      material = {
        id: `M${materialNo}`,
        kind: CHAT.has(c.format) ? 'communication' : 'log',
        title: oneLine(`${c.format} evidence: ${file ? file.filename : c.source.replace(/ thread$/, '')}`),
        link: target,
      };
      if (file)
        material.description = oneLine(
          `the uploaded file; the events taken from it cite their place in it, such as ${c.link}`,
        );
      materialNo += 1;
      next.materials.items.push(material);
      materialByTarget.set(target, material);
      added.materials += 1;
    }
    const list = excerpts.get(material.id) ?? [];
    list.push(`${c.at} ${c.link}${c.actor ? ` (${c.actor})` : ''}\n    ${c.excerpt ?? c.text}`);
    excerpts.set(material.id, list);
  }

  // Time order for the timeline, keeping entries without a time (and equal times) where they were.
  const indexed = timeline.map((e, i) => ({ e, i, ms: e.at === null ? undefined : parseInstant(e.at) }));
  const timed = indexed
    .filter((x) => x.ms !== undefined)
    .sort((a, b) => (a.ms as number) - (b.ms as number) || a.i - b.i);
  let t = 0;
  next.details.timeline = indexed.map((x) =>
    x.ms === undefined ? x.e : (timed[t++] as (typeof timed)[number]).e,
  );

  if (excerpts.size > 0) {
    const id = nextAppendixId(next.materials.appendices);
    const blocks: string[] = [
      'Source excerpts of the timeline events taken from evidence, by supporting material.',
    ];
    for (const [mid, lines] of excerpts) {
      const m = next.materials.items.find((x) => x.id === mid) as Material;
      blocks.push(`${mid}, ${m.title}:\n\n\`\`\`text\n${lines.join('\n')}\n\`\`\``);
    }
    let content = blocks.join('\n\n');
    if (content.length > LIMITS.text)
      content = `${content.slice(0, LIMITS.text - 200).replace(/\n[^\n]*$/, '')}\n\`\`\`\n\n(more excerpts left out: the appendix is full)`;
    next.materials.appendices.push({ id, title: oneLine(options.title ?? 'Evidence excerpts'), content });
    added.appendix = id;
  }
  return { report: reportSchema.parse(next), added };
}

function inPeriod(report: Report, ms: number): boolean {
  const start = report.period.start ? parseInstant(report.period.start) : undefined;
  const end = report.period.end ? parseInstant(report.period.end) : undefined;
  if (start === undefined) return false;
  return ms >= start && (end === undefined || ms <= end);
}
