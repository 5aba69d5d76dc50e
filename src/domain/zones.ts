// Offsets of IANA time zones, for the readers that turn zone-less wall-clock times into instants.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // Building a formatter is the slow part; zones are few, but keep the cache bounded all the same.
    if (formatters.size < 500) formatters.set(zone, f);
  }
  return f;
}

/** Offset of an IANA zone from UTC at an instant, in milliseconds east of UTC (whole seconds). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(zone).formatToParts(new Date(utcMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * Offset of an IANA zone from UTC in force at a wall-clock time (its fields read as if they were UTC), in
 * milliseconds east of UTC. Two rounds settle the offset across a daylight-saving change; a wall time the change
 * skips takes the offset from before it, so it lands after the gap.
 */
export function zoneOffsetAtWallMs(zone: string, wallMs: number): number {
  return zoneOffsetMs(zone, wallMs - zoneOffsetMs(zone, wallMs));
}
