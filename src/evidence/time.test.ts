import { describe, expect, it } from 'vitest';
import { parseLeadingStamp, parseTimeValue } from './time.js';

const at = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('evidence times through the domain time module', () => {
  it('reads a zone-less stamp repeated by a daylight-saving change as the earlier one, east and west of UTC', () => {
    const berlin = parseLeadingStamp('2024-10-27 02:30:00 backup started', { zone: 'Europe/Berlin' });
    expect(berlin.ok && at(berlin.ms)).toBe('2024-10-27T00:30:00.000Z');
    const ny = parseLeadingStamp('2024-11-03 01:30:00 backup started', { zone: 'America/New_York' });
    expect(ny.ok && at(ny.ms)).toBe('2024-11-03T05:30:00.000Z');
    expect(at(parseTimeValue('2024-10-27T02:30:00', 'Europe/Berlin'))).toBe('2024-10-27T00:30:00.000Z');
  });

  it('puts a stamp in a daylight-saving gap after the gap', () => {
    const r = parseLeadingStamp('2024-03-31 02:30:00 job ran', { zone: 'Europe/Berlin' });
    expect(r.ok && at(r.ms)).toBe('2024-03-31T01:30:00.000Z');
  });

  it('holds offsets to ±18:00 with minutes below 60', () => {
    expect(at(parseTimeValue('2024-03-01T10:00:00+18:00'))).toBe('2024-02-29T16:00:00.000Z');
    expect(parseTimeValue('2024-03-01 10:00:00 +18:30')).toBeUndefined();
    expect(parseTimeValue('2024-03-01 10:00:00 +0275')).toBeUndefined();
    // An offset that is not one leaves the stamp zone-less: it needs a zone to be read.
    expect(parseLeadingStamp('2024-03-01 10:00:00 +0275 x', {})).toMatchObject({
      ok: false,
      reason: 'no-zone',
    });
  });

  it('refuses impossible dates and reads leap days', () => {
    expect(parseLeadingStamp('2023-02-29 10:00:00Z x', {})).toMatchObject({ ok: false, reason: 'invalid' });
    const leap = parseLeadingStamp('2024-02-29 10:00:00Z x', {});
    expect(leap.ok && at(leap.ms)).toBe('2024-02-29T10:00:00.000Z');
    const bsd = parseLeadingStamp('Feb 29 10:00:00 host x', { year: 2023, zone: 'UTC' });
    expect(bsd).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
