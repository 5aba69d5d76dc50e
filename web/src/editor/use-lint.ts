import { useEffect, useMemo, useState } from 'react';
import { reportSchema, type Report } from '../../../src/domain/report.schema.js';
import { api } from '../api.js';
import type { Finding, QualityScore } from '../types.js';
import { pathKey } from './fields.js';

const LINT_DELAY = 600;

/**
 * Live lint on the server (the prose rules need dictionaries too large for the browser), a moment after the
 * typing stops: the findings, the quality score, and the findings by model path for the fields.
 */
export function useLint(
  cleaned: Report | undefined,
  cleanedJson: string,
): { findings: Finding[]; score: QualityScore | undefined; byPath: Map<string, Finding[]> } {
  const [findings, setFindings] = useState<Finding[]>([]);
  const [score, setScore] = useState<QualityScore>();
  useEffect(() => {
    if (!cleaned) return;
    const ac = new AbortController();
    const t = setTimeout(() => {
      // Validate only once typing pauses: a full parse of a long report on every key would be felt.
      if (!reportSchema.safeParse(cleaned).success) return;
      api<{ findings: Finding[]; score: QualityScore }>('/api/lint', {
        body: { report: cleaned },
        signal: ac.signal,
      })
        .then((r) => {
          setFindings(r.findings);
          setScore(r.score);
        })
        .catch(() => undefined);
    }, LINT_DELAY);
    return () => {
      clearTimeout(t);
      ac.abort();
    };
  }, [cleanedJson, cleaned]);

  const byPath = useMemo(() => {
    const m = new Map<string, Finding[]>();
    for (const f of findings) {
      const k = pathKey(f.path);
      m.set(k, [...(m.get(k) ?? []), f]);
    }
    return m;
  }, [findings]);
  return { findings, score, byPath };
}
