import { describe, expect, it } from 'vitest';
import {
  findFullDate,
  findYear,
  findZoneStatement,
  impossibleDateAt,
  nextDay,
  parseDatePrefix,
  zoneInHeading,
  parseDateLine,
  parseLeadingStamp,
  toUtc,
  zoneFromName,
  type Stamp,
} from './time.parse.js';

const utc = (stamp: Stamp | undefined, zone = zoneFromName('UTC')!) => {
  if (!stamp?.date || stamp.date.year === undefined || !stamp.time) return undefined;
  const ms = toUtc(
    { year: stamp.date.year, month: stamp.date.month, day: stamp.date.day },
    stamp.time,
    stamp.zone ?? zone,
  );
  return ms === undefined ? undefined : new Date(ms).toISOString();
};

describe('parseLeadingStamp', () => {
  it.each([
    ['2019-11-29 12:00', '2019-11-29 12:00', ''],
    ['2019-11-29T12:00:05Z foo', '2019-11-29T12:00:05Z', 'foo'],
    ['**16:58 UTC** - Writer database begins', '**16:58 UTC**', 'Writer database begins'],
    ['**10:45** - SDK version deployed', '**10:45**', 'SDK version deployed'],
    ['[13:26] @cblecker reports', '[13:26]', '@cblecker reports'],
    ['Jan 14, 10:18 AM - paged', 'Jan 14, 10:18 AM', 'paged'],
    ['14 Jan 2024 22:01 CET: rollback', '14 Jan 2024 22:01 CET', 'rollback'],
    ['Monday, March 3, 2024 at 9:05 pm EST — done', 'Monday, March 3, 2024 at 9:05 pm EST', 'done'],
    ['`09:15:30` deploy', '`09:15:30`', 'deploy'],
    ['12:00 UTC+2 | thing', '12:00 UTC+2', 'thing'],
    ['(08:00 PT) start', '(08:00 PT)', 'start'],
  ])('reads %j', (line, raw, rest) => {
    const stamp = parseLeadingStamp(line);
    expect(stamp?.raw).toBe(raw);
    expect(stamp?.rest).toBe(rest);
  });

  it('reads the clock, 12-hour times and zones', () => {
    expect(parseLeadingStamp('1:26 PM')?.time).toEqual({ hour: 13, minute: 26, second: 0 });
    expect(parseLeadingStamp('12:05 am x')?.time).toEqual({ hour: 0, minute: 5, second: 0 });
    expect(parseLeadingStamp('12:05 PM x')?.time).toEqual({ hour: 12, minute: 5, second: 0 });
    expect(parseLeadingStamp('**16:58 UTC** -')?.zone).toEqual({ name: 'UTC', offset: 0 });
    expect(parseLeadingStamp('10:00 PDT x')?.zone).toEqual({ name: 'PDT', offset: -420 });
    expect(parseLeadingStamp('Jan 14, 10:18 AM')?.date).toEqual({ month: 1, day: 14, year: undefined });
  });

  it('reads numeric dates only when day and month cannot be confused', () => {
    expect(parseLeadingStamp('29.11.2019 12:00 x')?.date).toEqual({ year: 2019, month: 11, day: 29 });
    expect(parseLeadingStamp('29/11/2019 12:00 x')?.date).toEqual({ year: 2019, month: 11, day: 29 });
    expect(parseLeadingStamp('11/29/2019 12:00 x')?.date).toEqual({ year: 2019, month: 11, day: 29 });
    expect(parseLeadingStamp('01/02/2019 12:00 x')).toBeUndefined();
  });

  it('keeps unknown times unknown and the date they come with', () => {
    expect(parseLeadingStamp('2019-12-03 --:--')).toMatchObject({
      date: { year: 2019, month: 12, day: 3 },
      raw: '2019-12-03 --:--',
    });
    expect(parseLeadingStamp('2019-12-03 --:--')?.time).toBeUndefined();
    expect(parseLeadingStamp('[???] IOPS reached')).toMatchObject({ raw: '[???]', rest: 'IOPS reached' });
    expect(parseLeadingStamp('[???] x')?.time).toBeUndefined();
    expect(parseLeadingStamp('??:?? - later')?.raw).toBe('??:??');
    expect(parseLeadingStamp('May 30: deploy')).toMatchObject({
      date: { month: 5, day: 30 },
      rest: 'deploy',
    });
  });

  it.each([
    'Unknown cause led to the outage',
    '? what now',
    'May be caused by load',
    '[Support engineer notices reports](https://example.com)',
    '**Total impact duration:** 5 hours',
    '2019-12-03 is when it started',
    '25:00 is not a time',
    '10:75 neither',
    '13:00 PM is not a 12-hour time',
    '1.15 code freeze slipped',
    '2nd attempt at the script',
    '10:00abc',
  ])('does not read a stamp in %j', (line) => {
    expect(parseLeadingStamp(line)).toBeUndefined();
  });

  it('does not take an ordinary word after the time for a zone', () => {
    expect(parseLeadingStamp('10:45 Deploy started')).toMatchObject({ raw: '10:45', rest: 'Deploy started' });
    expect(parseLeadingStamp('10:45 Deploy started')?.zone).toBeUndefined();
  });
});

describe('toUtc', () => {
  it('converts fixed offsets and IANA zones, daylight saving included', () => {
    expect(utc(parseLeadingStamp('2019-11-29 12:00'), zoneFromName('CET'))).toBe('2019-11-29T11:00:00.000Z');
    expect(utc(parseLeadingStamp('2019-05-30 13:26'), zoneFromName('PDT'))).toBe('2019-05-30T20:26:00.000Z');
    // "Pacific" follows the rules: -7 in summer, -8 in winter.
    expect(utc(parseLeadingStamp('2019-05-30 13:26'), zoneFromName('Pacific'))).toBe(
      '2019-05-30T20:26:00.000Z',
    );
    expect(utc(parseLeadingStamp('2019-12-30 13:26'), zoneFromName('Pacific'))).toBe(
      '2019-12-30T21:26:00.000Z',
    );
    expect(utc(parseLeadingStamp('2024-03-31 03:30'), zoneFromName('Europe/Berlin'))).toBe(
      '2024-03-31T01:30:00.000Z',
    );
    expect(utc(parseLeadingStamp('2024-06-01 09:00 +05:30'))).toBe('2024-06-01T03:30:00.000Z');
  });

  it('refuses impossible dates', () => {
    expect(
      toUtc({ year: 2023, month: 2, day: 30 }, { hour: 1, minute: 0, second: 0 }, { name: 'UTC', offset: 0 }),
    ).toBeUndefined();
  });

  it('steps to the next day across months and years', () => {
    expect(nextDay({ year: 2019, month: 12, day: 31 })).toEqual({ year: 2020, month: 1, day: 1 });
    expect(nextDay({ year: 2024, month: 2, day: 28 })).toEqual({ year: 2024, month: 2, day: 29 });
  });
});

describe('zones and dates in prose', () => {
  it('finds the zone statement and the words that made it', () => {
    expect(findZoneStatement('All times in UTC.')).toEqual({
      zone: { name: 'UTC', offset: 0 },
      phrase: 'All times in UTC',
    });
    expect(findZoneStatement('All times PDT.')?.zone.name).toBe('PDT');
    expect(findZoneStatement('Date and Time in CET')?.phrase).toBe('Date and Time in CET');
    expect(findZoneStatement('Time (UTC)')?.zone.name).toBe('UTC');
    expect(findZoneStatement('Times are in Pacific time')?.zone.iana).toBe('America/Los_Angeles');
    expect(findZoneStatement('Time to detection: 8 minutes')).toBeUndefined();
    expect(findZoneStatement('Time in SEV-1')).toBeUndefined();
  });

  it('knows names, offsets and IANA zones, and nothing else', () => {
    expect(zoneFromName('+02:00')).toEqual({ name: '+02:00', offset: 120 });
    expect(zoneFromName('GMT-3')).toEqual({ name: 'GMT-3', offset: -180 });
    expect(zoneFromName('Europe/Copenhagen')).toEqual({
      name: 'Europe/Copenhagen',
      iana: 'Europe/Copenhagen',
    });
    expect(zoneFromName('Mars/Olympus')).toBeUndefined();
    expect(zoneFromName('the')).toBeUndefined();
  });

  it('finds a full date in a title or sentence', () => {
    expect(findFullDate('May 30th, 2019 Prow Flakiness')).toEqual({ year: 2019, month: 5, day: 30 });
    expect(findFullDate('PostHog Surveys SDK Bug - October 3, 2025')).toEqual({
      year: 2025,
      month: 10,
      day: 3,
    });
    expect(findFullDate('On Friday 29 November 2019, we')).toEqual({ year: 2019, month: 11, day: 29 });
    expect(findFullDate('Tuesday 22nd June 2021')).toEqual({ year: 2021, month: 6, day: 22 });
    expect(findFullDate('k8s 2019-05-30 prow')).toEqual({ year: 2019, month: 5, day: 30 });
    expect(findFullDate('no date at all, just 10:00')).toBeUndefined();
  });

  it('reads a date that makes up a whole heading', () => {
    expect(parseDateLine('**Tuesday, May 28**')).toEqual({ month: 5, day: 28, year: undefined });
    expect(parseDateLine('2024-01-14')).toEqual({ year: 2024, month: 1, day: 14 });
    expect(parseDateLine('May 28 was a long day')).toBeUndefined();
  });
});

describe('rough, partial and spanning times', () => {
  const read = (line: string) => {
    const st = parseLeadingStamp(line);
    return (
      st && { time: st.time, approximate: st.approximate ?? false, end: st.end, rest: st.rest, date: st.date }
    );
  };
  it('marks a time written as rough, before or after it', () => {
    for (const line of [
      '~09:58 Slow',
      '± 09:58 Slow',
      '09:58~ Slow',
      'around 09:58 Slow',
      'approx. 09:58 Slow',
      'about 09:58 Slow',
    ]) {
      expect(read(line), line).toMatchObject({
        time: { hour: 9, minute: 58 },
        approximate: true,
        rest: 'Slow',
      });
    }
    expect(read('09:58 Slow')?.approximate).toBe(false);
    // A rough word not followed by a time is prose.
    expect(parseLeadingStamp('around noon the queue grew')).toBeUndefined();
  });
  it('keeps the hour of a time whose minutes are unknown, as rough', () => {
    expect(read('12:?? Someone noticed')).toMatchObject({
      time: { hour: 12, minute: 0 },
      approximate: true,
      rest: 'Someone noticed',
    });
    expect(read('14:xx Mail sent')).toMatchObject({ time: { hour: 14, minute: 0 }, approximate: true });
  });
  it('reads a span as a start and an end, not as text', () => {
    expect(read('09:00 - 11:00 Exports failed')).toMatchObject({
      time: { hour: 9, minute: 0 },
      end: { time: { hour: 11, minute: 0 }, approximate: false },
      rest: 'Exports failed',
    });
    expect(read('12:26-12:?? Re-run')).toMatchObject({
      end: { time: { hour: 12, minute: 0 }, approximate: true },
      rest: 'Re-run',
    });
    expect(read('2024-03-01 23:00 – 2024-03-02 01:00 UTC: Migration')).toMatchObject({
      end: { date: { year: 2024, month: 3, day: 2 }, time: { hour: 1, minute: 0 } },
      rest: 'Migration',
    });
    // A dash that leads into words is a separator, as before.
    expect(read('09:00 - deploy started')).toMatchObject({ end: undefined, rest: 'deploy started' });
  });
  it('takes a date in parentheses after the time and zone, and leaves it out of the text', () => {
    const st = parseLeadingStamp('23:50 UTC (Mar 3): Certificate expired');
    expect(st).toMatchObject({
      date: { month: 3, day: 3 },
      time: { hour: 23, minute: 50 },
      rest: 'Certificate expired',
    });
    expect(st?.zone?.name).toBe('UTC');
  });
});

describe('dates and zones around a timeline', () => {
  it('reads a date at the start of a heading, and names a date that cannot be one', () => {
    expect(parseDatePrefix('March 3, 2025 – Queue backlog')).toEqual({ year: 2025, month: 3, day: 3 });
    expect(parseDatePrefix('Monday, April 8, 2024 - first failures')).toEqual({
      year: 2024,
      month: 4,
      day: 8,
    });
    expect(parseDatePrefix('Queue backlog on March 3')).toBeUndefined();
    expect(impossibleDateAt('20245-03-01')).toBe('20245-03-01');
    expect(impossibleDateAt('**2024-13-05 10:00** Batch job')).toBe('2024-13-05');
    expect(impossibleDateAt('2024-03-05 10:00')).toBeUndefined();
  });
  it('finds the zone in a sentence, a Timezone line or a heading', () => {
    expect(findZoneStatement('All times in this document are CEST.')?.zone.name).toBe('CEST');
    expect(findZoneStatement('Timezone: Europe/Berlin')?.zone.iana).toBe('Europe/Berlin');
    expect(findZoneStatement('At that time the team was asleep.')).toBeUndefined();
    expect(zoneInHeading('Timeline (all times PST)')?.zone.name).toBe('PST');
    expect(zoneInHeading('Timeline (UTC)')?.zone.name).toBe('UTC');
    expect(zoneInHeading('Timeline')).toBeUndefined();
  });
  it('finds a year written alone in a title', () => {
    expect(findYear('Overnight certificate expiry (2025)')).toBe(2025);
    expect(findYear('Error 50000 on port 8080')).toBeUndefined();
  });
});
