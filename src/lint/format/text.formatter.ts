import { explainScore } from '../score.js';
import type { FileResult } from './result.js';

/** Compiler-style lines, `file:line:col severity rule-id message`, then one summary line. */
export function formatText(results: FileResult[]): string {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const r of results) {
    for (const f of r.findings) {
      lines.push(`${r.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message}`);
      if (f.severity === 'error') errors += 1;
      else if (f.severity === 'warning') warnings += 1;
      else infos += 1;
    }
    if (r.score) {
      const verdict = r.score.passed
        ? 'passes'
        : r.score.cappedByError
          ? `held below the pass mark of ${r.score.passMark} by errors`
          : `below the pass mark of ${r.score.passMark}`;
      lines.push(`${r.file}: quality score ${r.score.overall}/100, ${verdict}`);
      // The first few ways to raise it, so the number explains itself.
      for (const line of explainScore(r.score).slice(0, 5)) lines.push(`  ${line}`);
    }
  }
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(
    `${plural(results.length, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} info`,
  );
  return `${lines.join('\n')}\n`;
}
