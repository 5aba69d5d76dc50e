import { describe, expect, it } from 'vitest';
import { addDays, isTimeZone, localTime } from './digest.js';
import { readUnsubscribeToken, unsubscribeToken } from './unsubscribe.js';

describe('unsubscribe tokens', () => {
  it('name the person they were made for, and nothing else', () => {
    const t = unsubscribeToken('key-1', 'user-42');
    expect(readUnsubscribeToken('key-1', t)).toBe('user-42');
    expect(readUnsubscribeToken('key-2', t)).toBeUndefined();
    const [id, sig] = t.split('.');
    const other = Buffer.from('user-43').toString('base64url');
    expect(readUnsubscribeToken('key-1', `${other}.${sig}`)).toBeUndefined();
    expect(readUnsubscribeToken('key-1', `${id}.${sig!.slice(1)}`)).toBeUndefined();
    for (const bad of ['', '.', 'x', `${t}.more`]) expect(readUnsubscribeToken('key-1', bad)).toBeUndefined();
  });
});

describe('local time', () => {
  it('gives the date and hour in a zone, across a date line and a DST change', () => {
    expect(localTime(new Date('2026-12-10T00:30:00Z'), 'Asia/Tokyo')).toEqual({
      date: '2026-12-10',
      hour: 9,
    });
    expect(localTime(new Date('2026-12-10T00:30:00Z'), 'America/Los_Angeles')).toEqual({
      date: '2026-12-09',
      hour: 16,
    });
    expect(localTime(new Date('2026-07-01T12:00:00Z'), 'Europe/Berlin').hour).toBe(14);
    expect(localTime(new Date('2026-12-01T12:00:00Z'), 'Europe/Berlin').hour).toBe(13);
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Nowhere/At_All')).toBe(false);
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04');
  });
});
