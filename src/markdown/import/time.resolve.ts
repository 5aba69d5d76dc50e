// The date and zone resolver: which zone the timeline's rows are read in, which date rows without one fall
// on, and the instants that follow, with warnings where the text leaves room for doubt.
import {
  AppError,
  formatUtcOffset,
  isTimeZone,
  offsetMinutesAt,
  parseInstant,
  regionOfAbbreviation,
  type TimelineEvent,
} from '../../domain/index.js';
import { collapse } from './text.util.js';
import {
  findFullDate,
  findYear,
  findZoneStatement,
  zoneFromName,
  type LocalDate,
  type Zone,
} from './time.parse.js';
import { resolveRows, type RawRow, type ResolvedTimeline } from './timeline.extract.js';

/** What the document says that bears on the timeline's dates and zone, nearest to the rows first. */
export interface TimeClues {
  /** The zone option, which overrides what the text says. */
  zoneOption?: string;
  /** The year option, for dates written without one. */
  yearOption?: number;
  /** A zone named in the timeline's own heading, and prose in and out of the timeline. */
  headingZone?: { zone: Zone; phrase: string };
  timelineProse: string[];
  otherProse: string[];
  /** Texts that may give the date of rows without one, nearest first. */
  timelineHeadings: string;
  title: string;
  frontMatter: string;
  preamble: string;
  summary: string;
  fileTitle: string;
}

/**
 * The timeline's rows as events with UTC instants: the zone they are read in (and where it came from), the
 * date of rows written without one, and the warnings on either, in the order they arose.
 */
export function resolveTimeline(
  rows: RawRow[],
  clues: TimeClues,
  warnings: string[],
): { zone: Zone; zoneSource: string; resolved: ResolvedTimeline } {
  const { zone, zoneSource } = resolveZone(rows, clues.zoneOption, {
    heading: clues.headingZone,
    timelineProse: clues.timelineProse,
    otherProse: clues.otherProse,
    warnings,
  });
  // The date rows without one fall back to: the title, the text before the first section, the file name.
  const reference = referenceDate(
    clues.timelineHeadings,
    clues.title,
    clues.frontMatter,
    clues.preamble,
    clues.summary,
    clues.fileTitle,
    clues.yearOption,
  );
  const titleYear = findYear(clues.title);
  const year = titleYear ?? findYear(clues.fileTitle);
  const resolved = resolveRows(rows, {
    zone,
    ...(year !== undefined && !reference
      ? { referenceYear: { year, source: clues.title && titleYear ? 'the title' : 'the file name' } }
      : {}),
    ...(clues.yearOption !== undefined ? { year: clues.yearOption } : {}),
    ...(reference ? { reference } : {}),
  });
  warnings.push(...resolved.warnings);
  const season = seasonMismatch(zone, resolved.events);
  if (season) warnings.push(season);
  return { zone, zoneSource, resolved };
}

/**
 * The zone rows without their own are read in, and where it came from: the option, a table header, the
 * timeline heading, the timeline's prose, the rest of the text; when every timed row names its zone, theirs.
 */
export function resolveZone(
  rows: RawRow[],
  zoneName: string | undefined,
  stated: {
    heading: { zone: Zone; phrase: string } | undefined;
    timelineProse: string[];
    otherProse: string[];
    warnings: string[];
  },
): { zone: Zone; zoneSource: string } {
  const zoneOption = zoneName !== undefined ? zoneFromName(zoneName) : undefined;
  if (zoneName !== undefined && !zoneOption) {
    throw new AppError(
      'bad_request',
      `unknown time zone "${zoneName}"; use UTC, an abbreviation such as PDT, an offset such as +02:00, or an IANA name such as Europe/Berlin`,
    );
  }
  const headerZone = rows.find((r) => r.headerZone)?.headerZone;
  const proseZone =
    stated.heading ?? findZoneInTexts(stated.timelineProse) ?? findZoneInTexts(stated.otherProse);
  let zone: Zone = { name: 'UTC', offset: 0 };
  let zoneSource = 'no zone stated; read as UTC';
  if (zoneOption) {
    zone = zoneOption;
    zoneSource = 'the zone option';
    // The option stands for what the writer meant, so it also overrides a zone in a table header.
    for (const row of rows) delete row.headerZone;
  } else if (headerZone) {
    zone = headerZone.zone;
    zoneSource = `the timeline table header "${headerZone.phrase}"`;
  } else if (proseZone) {
    zone = proseZone.zone;
    zoneSource = `the text "${proseZone.phrase}"`;
  }
  const ownZones = rows.filter((r) => r.stamp?.zone).length;
  const timed = rows.filter((r) => r.stamp?.time).length;
  if (ownZones > 0 && ownZones === timed) {
    const first = rows.find((r) => r.stamp?.zone)?.stamp;
    zone = first?.zone as Zone;
    zoneSource = `the time stamps ("${collapse(first?.raw ?? '').replace(/[*_[\]`]/g, '')}")`;
  } else if (!zoneOption && !headerZone && !proseZone && timed > ownZones) {
    stated.warnings.push(
      'no time zone is stated for the timeline; its times were read as UTC (pass a zone to change that)',
    );
  }
  if (headerZone && rows.some((r) => r.headerZone && r.headerZone.zone.name !== headerZone.zone.name)) {
    stated.warnings.push('timeline tables state different zones; each table was read in its own');
  }
  return { zone, zoneSource };
}

function findZoneInTexts(texts: string[]): { zone: Zone; phrase: string } | undefined {
  for (const t of texts) {
    const found = findZoneStatement(t);
    if (found) return found;
  }
  return undefined;
}

// Nearest first: the timeline's own heading, the title, the front matter, the text before the first
// section, the summary, the file name.
export function referenceDate(
  timelineHeading: string,
  title: string,
  frontMatter: string,
  preamble: string,
  summary: string,
  fileTitle: string,
  year?: number,
): { date: Required<LocalDate>; source: string } | undefined {
  const sources: [string, string][] = [
    [timelineHeading, 'the timeline heading'],
    [title, 'the title'],
    [frontMatter, 'the front matter'],
    [preamble, 'the text before the first section'],
    [summary, 'the summary'],
    [fileTitle, 'the file name'],
  ];
  for (const [text, source] of sources) {
    const date = findFullDate(text);
    if (date && (year === undefined || date.year === year)) return { date, source };
  }
  return undefined;
}

// The zone option reads a bare abbreviation such as CET as its fixed offset, so suggest a city zone.
const LOCAL_EXAMPLE: Record<string, string> = {
  CET: 'Europe/Berlin',
  EET: 'Europe/Athens',
  WET: 'Europe/Lisbon',
};

/** The IANA zone a report's period keeps for the zone its times were read in. */
export function ianaFor(zone: Zone): string {
  if (zone.iana) return zone.iana;
  const region = regionOfAbbreviation(zone.name);
  if (region && isTimeZone(region)) return region;
  const off = zone.offset ?? 0;
  if (off === 0) return 'UTC';
  // Etc/GMT zones count the other way: Etc/GMT-2 is two hours east of UTC. They stop at -14 and +12.
  const etc = `Etc/GMT${off > 0 ? '-' : '+'}${Math.abs(off) / 60}`;
  return off % 60 === 0 && isTimeZone(etc) ? etc : 'UTC';
}

/**
 * A warning when a seasonal abbreviation does not fit the date: "CET" in July, when Central Europe keeps
 * CEST. Writers often mean their local time, but the import reads the abbreviation as written.
 */
export function seasonMismatch(zone: Zone, events: TimelineEvent[]): string | undefined {
  const region = regionOfAbbreviation(zone.name);
  const first = events.find((e) => e.at !== null)?.at;
  if (zone.offset === undefined || !region || region === 'UTC' || !first) return undefined;
  const ms = parseInstant(first) as number;
  const local = offsetMinutesAt({ name: region, iana: region }, ms + zone.offset * 60_000);
  if (local === zone.offset) return undefined;
  const clock = formatUtcOffset(local);
  return `times are said to be ${describeZone(zone)}, but on ${first.slice(0, 10)} clocks there are at ${clock}; they were read as written (pass a zone such as ${LOCAL_EXAMPLE[region] ?? region} to read them as local time)`;
}

/** A zone as the recognition report names it: `PDT (UTC-07:00)`, `Pacific (America/Los_Angeles)`. */
export function describeZone(zone: Zone): string {
  if (zone.iana) return `${zone.name} (${zone.iana})`;
  const off = zone.offset ?? 0;
  if (off === 0 && zone.name === 'UTC') return 'UTC';
  return `${zone.name} (${formatUtcOffset(off)})`;
}
