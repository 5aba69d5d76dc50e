import type { FileResult } from './result.js';

/** Machine-readable results: every finding with its location, and each file's quality score. */
export function formatJson(results: FileResult[]): string {
  const count = (s: string) =>
    results.reduce((n, r) => n + r.findings.filter((f) => f.severity === s).length, 0);
  return `${JSON.stringify(
    {
      files: results.map((r) => ({ file: r.file, score: r.score ?? null, findings: r.findings })),
      totals: {
        files: results.length,
        errors: count('error'),
        warnings: count('warning'),
        info: count('info'),
      },
    },
    null,
    2,
  )}\n`;
}
