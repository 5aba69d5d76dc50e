import { describe, expect, it } from 'vitest';
import {
  daysInMonth,
  formatUtcOffset,
  isValidWall,
  monthOf,
  MONTH_NAME_SOURCE,
  offsetMinutesAt,
  parseOffset,
  regionOfAbbreviation,
  TIME_LIMITS,
  wallToUtc,
  zoneFromName,
  zoneOffsetAtWallMs,
  zoneOffsetMs,
  type WallTime,
} from './time.js';

const wall = (s: string): WallTime => {
  const [d, t = '00:00:00'] = s.split(' ');
  const [year, month, day] = (d as string).split('-').map(Number);
  const [hour, minute, second] = t.split(':').map(Number);
  return {
    year: year as number,
    month: month as number,
    day: day as number,
    hour: hour as number,
    minute: minute as number,
    second: second ?? 0,
  };
};
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('months', () => {
  it('reads English names and abbreviations by their first three letters', () => {
    expect(monthOf('Jan')).toBe(1);
    expect(monthOf('september')).toBe(9);
    expect(monthOf('DEC')).toBe(12);
    expect(monthOf('Foo')).toBeUndefined();
    expect(monthOf('')).toBeUndefined();
  });

  it('gives a pattern that matches whole names and abbreviations only', () => {
    const re = new RegExp(`^(?:${MONTH_NAME_SOURCE})$`, 'i');
    for (const m of ['Jan', 'January', 'Sept', 'September', 'may', 'June', 'Jul'])
      expect(re.test(m)).toBe(true);
    for (const m of ['Janu', 'Mayo', 'Sepactive']) expect(re.test(m)).toBe(false);
  });

  it('knows leap years of the Gregorian calendar', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2024, 4)).toBe(30);
    expect(daysInMonth(2024, 13)).toBe(0);
  });
});

describe('isValidWall', () => {
  it('accepts real dates and times, leap days and a leap second', () => {
    expect(isValidWall(wall('2024-02-29 12:00:00'))).toBe(true);
    expect(isValidWall(wall('2016-12-31 23:59:60'))).toBe(true);
    expect(isValidWall(wall('0001-01-01 00:00:00'))).toBe(true);
    expect(isValidWall(wall('9999-12-31 23:59:59'))).toBe(true);
  });

  it('refuses out-of-range numbers', () => {
    expect(isValidWall(wall('2023-02-29 12:00:00'))).toBe(false);
    expect(isValidWall(wall('1900-02-29 12:00:00'))).toBe(false);
    expect(isValidWall(wall('2024-13-01 00:00:00'))).toBe(false);
    expect(isValidWall(wall('2024-00-10 00:00:00'))).toBe(false);
    expect(isValidWall(wall('2024-04-31 00:00:00'))).toBe(false);
    expect(isValidWall(wall('2024-04-00 00:00:00'))).toBe(false);
    expect(isValidWall(wall('2024-04-01 24:00:00'))).toBe(false);
    expect(isValidWall(wall('2024-04-01 23:60:00'))).toBe(false);
    expect(isValidWall(wall('2024-04-01 23:59:61'))).toBe(false);
    expect(isValidWall({ ...wall('2024-04-01 23:59:59'), ms: 1000 })).toBe(false);
    expect(isValidWall(wall('0000-01-01 00:00:00'))).toBe(false);
    expect(isValidWall(wall(`${TIME_LIMITS.lastYear + 1}-01-01 00:00:00`))).toBe(false);
    expect(isValidWall({ ...wall('2024-04-01 10:00:00'), hour: 1.5 })).toBe(false);
    expect(isValidWall({ ...wall('2024-04-01 10:00:00'), minute: Number.NaN })).toBe(false);
  });
});

describe('offsets and zone names', () => {
  it('parses offsets within ±18:00 and refuses 60 minutes or more', () => {
    expect(parseOffset('Z')).toBe(0);
    expect(parseOffset('utc')).toBe(0);
    expect(parseOffset('+02:00')).toBe(120);
    expect(parseOffset('-0700')).toBe(-420);
    expect(parseOffset('+05')).toBe(300);
    expect(parseOffset('+0530')).toBe(330);
    expect(parseOffset('UTC+2')).toBe(120);
    expect(parseOffset('GMT-3:30')).toBe(-210);
    expect(parseOffset('−04:00')).toBe(-240);
    expect(parseOffset('+18:00')).toBe(18 * 60);
    expect(parseOffset('-18:00')).toBe(-18 * 60);
    expect(parseOffset('+18:01')).toBeUndefined();
    expect(parseOffset('+19')).toBeUndefined();
    expect(parseOffset('+02:60')).toBeUndefined();
    expect(parseOffset('+0275')).toBeUndefined();
    expect(parseOffset('PDT')).toBeUndefined();
    expect(parseOffset('+123')).toBeUndefined();
    expect(parseOffset('+9:30')).toBe(570);
  });

  it('reads abbreviations as their fixed offset and regional names through the region', () => {
    expect(zoneFromName('PDT')).toEqual({ name: 'PDT', offset: -420 });
    expect(zoneFromName('cest')).toEqual({ name: 'CEST', offset: 120 });
    expect(zoneFromName('Z')).toEqual({ name: 'UTC', offset: 0 });
    expect(zoneFromName('IST')).toEqual({ name: 'IST', offset: 330 });
    expect(zoneFromName('Pacific')).toEqual({ name: 'Pacific', iana: 'America/Los_Angeles' });
    expect(zoneFromName('ET')).toEqual({ name: 'ET', iana: 'America/New_York' });
    expect(zoneFromName('Europe/Berlin')).toEqual({ name: 'Europe/Berlin', iana: 'Europe/Berlin' });
    expect(regionOfAbbreviation('pdt')).toBe('America/Los_Angeles');
    expect(regionOfAbbreviation('XYZ')).toBeUndefined();
  });

  it('takes an offset as a zone only when it says it is one, within the same limits', () => {
    expect(zoneFromName('UTC+2')).toEqual({ name: 'UTC+2', offset: 120 });
    expect(zoneFromName('+01:00')).toEqual({ name: '+01:00', offset: 60 });
    expect(zoneFromName('+5')).toBeUndefined();
    expect(zoneFromName('UTC+18')).toEqual({ name: 'UTC+18', offset: 1080 });
    expect(zoneFromName('UTC+19')).toBeUndefined();
    expect(zoneFromName('+02:75')).toBeUndefined();
    expect(zoneFromName('Mars/Olympus')).toBeUndefined();
    expect(zoneFromName('the')).toBeUndefined();
  });

  it('writes offsets out', () => {
    expect(formatUtcOffset(120)).toBe('UTC+02:00');
    expect(formatUtcOffset(-570)).toBe('UTC-09:30');
    expect(formatUtcOffset(0)).toBe('UTC+00:00');
  });
});

describe('wall-clock → UTC', () => {
  it('converts in fixed offsets, stated zones and IANA zones', () => {
    expect(iso(wallToUtc(wall('2024-06-01 09:00:00'), 330))).toBe('2024-06-01T03:30:00.000Z');
    expect(iso(wallToUtc(wall('2024-06-01 09:00:00'), 'Z'))).toBe('2024-06-01T09:00:00.000Z');
    expect(iso(wallToUtc(wall('2024-06-01 09:00:00'), { name: 'PDT', offset: -420 }))).toBe(
      '2024-06-01T16:00:00.000Z',
    );
    expect(iso(wallToUtc(wall('2024-06-01 09:00:00'), 'Europe/Berlin'))).toBe('2024-06-01T07:00:00.000Z');
    expect(
      iso(wallToUtc(wall('2024-12-01 09:00:00'), { name: 'Pacific', iana: 'America/Los_Angeles' })),
    ).toBe('2024-12-01T17:00:00.000Z');
    expect(iso(wallToUtc({ ...wall('2024-06-01 09:00:00'), ms: 250 }, 'UTC'))).toBe(
      '2024-06-01T09:00:00.250Z',
    );
  });

  it('reads a leap day, and refuses one that does not exist', () => {
    expect(iso(wallToUtc(wall('2024-02-29 23:30:00'), 'America/New_York'))).toBe('2024-03-01T04:30:00.000Z');
    expect(wallToUtc(wall('2023-02-29 23:30:00'), 'America/New_York')).toBeUndefined();
  });

  it('reads a leap second as the second before it', () => {
    expect(iso(wallToUtc(wall('2016-12-31 23:59:60'), 0))).toBe('2016-12-31T23:59:59.000Z');
  });

  it('keeps years before 100 as written', () => {
    expect(iso(wallToUtc(wall('0099-03-01 00:00:00'), 0))).toBe('0099-03-01T00:00:00.000Z');
    expect(iso(wallToUtc(wall('0050-06-01 12:00:00'), 'UTC'))).toBe('0050-06-01T12:00:00.000Z');
  });

  it('puts a time a daylight-saving gap skips after the gap, east and west of UTC', () => {
    // Berlin skips 02:00-03:00 on 2024-03-31; 02:30 is read with the offset before (+01:00).
    expect(iso(wallToUtc(wall('2024-03-31 02:30:00'), 'Europe/Berlin'))).toBe('2024-03-31T01:30:00.000Z');
    expect(iso(wallToUtc(wall('2024-03-31 03:30:00'), 'Europe/Berlin'))).toBe('2024-03-31T01:30:00.000Z');
    // New York skips 02:00-03:00 on 2024-03-10; 02:30 is read with the offset before (-05:00).
    expect(iso(wallToUtc(wall('2024-03-10 02:30:00'), 'America/New_York'))).toBe('2024-03-10T07:30:00.000Z');
    expect(iso(wallToUtc(wall('2024-03-10 01:59:00'), 'America/New_York'))).toBe('2024-03-10T06:59:00.000Z');
  });

  it('reads a time that happens twice as the first of the two, east and west of UTC', () => {
    // Berlin repeats 02:00-03:00 on 2024-10-27: the first 02:30 is CEST (+02:00).
    expect(iso(wallToUtc(wall('2024-10-27 02:30:00'), 'Europe/Berlin'))).toBe('2024-10-27T00:30:00.000Z');
    expect(iso(wallToUtc(wall('2024-10-27 03:00:00'), 'Europe/Berlin'))).toBe('2024-10-27T02:00:00.000Z');
    // New York repeats 01:00-02:00 on 2024-11-03: the first 01:30 is EDT (-04:00).
    expect(iso(wallToUtc(wall('2024-11-03 01:30:00'), 'America/New_York'))).toBe('2024-11-03T05:30:00.000Z');
    expect(iso(wallToUtc(wall('2024-11-03 02:00:00'), 'America/New_York'))).toBe('2024-11-03T07:00:00.000Z');
    // Lord Howe Island moves by half an hour.
    expect(iso(wallToUtc(wall('2024-04-07 01:45:00'), 'Australia/Lord_Howe'))).toBe(
      '2024-04-06T14:45:00.000Z',
    );
  });

  it('gives offsets in force at an instant and at a wall time', () => {
    expect(zoneOffsetMs('Europe/Berlin', Date.UTC(2024, 6, 1))).toBe(2 * 3_600_000);
    expect(zoneOffsetMs('Asia/Kolkata', Date.UTC(2024, 0, 1))).toBe(5.5 * 3_600_000);
    expect(zoneOffsetAtWallMs('America/Los_Angeles', Date.UTC(2024, 0, 15, 12))).toBe(-8 * 3_600_000);
    expect(offsetMinutesAt({ name: 'CET', offset: 60 }, Date.UTC(2024, 6, 1))).toBe(60);
    expect(offsetMinutesAt({ name: 'CET', iana: 'CET' }, Date.UTC(2024, 6, 1))).toBe(120);
  });
});
