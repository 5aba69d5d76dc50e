/** One difference between two JSON values, at a path into them. */
export interface JsonChange {
  path: (string | number)[];
  op: 'add' | 'remove' | 'change';
  from?: unknown;
  to?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every leaf-level difference between two JSON values; arrays are compared position by position. */
export function jsonDiff(
  a: unknown,
  b: unknown,
  path: (string | number)[] = [],
  out: JsonChange[] = [],
): JsonChange[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= a.length) out.push({ path: [...path, i], op: 'add', to: b[i] });
      else if (i >= b.length) out.push({ path: [...path, i], op: 'remove', from: a[i] });
      else jsonDiff(a[i], b[i], [...path, i], out);
    }
    return out;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in a)) out.push({ path: [...path, key], op: 'add', to: b[key] });
      else if (!(key in b)) out.push({ path: [...path, key], op: 'remove', from: a[key] });
      else jsonDiff(a[key], b[key], [...path, key], out);
    }
    return out;
  }
  if (!Object.is(a, b)) out.push({ path, op: 'change', from: a, to: b });
  return out;
}

/** The model paths a change touched, cut to field level (`title`, `analysis.primaryCause`), for history lists. */
export function changedPaths(a: unknown, b: unknown): string[] {
  const paths = jsonDiff(a, b).map((c) =>
    c.path
      .slice(0, 2)
      .filter((p) => typeof p === 'string')
      .join('.'),
  );
  return [...new Set(paths)].sort();
}
