import '../one-shot.js';
import { AppError, isAppError } from '../../domain/index.js';
import { formatLocated, loadReportFile, locatedChecks } from '../report-file.js';
import type { RegisterCommand } from './register.js';

export const registerValidate: RegisterCommand = (program, ctx) => {
  program
    .command('validate')
    .description('check Postmortem Markdown files against the schema and the semantic rules')
    .argument('<files...>', 'Postmortem Markdown files')
    .option('--json', 'print the problems as JSON')
    .action((files: string[], opts: { json?: boolean }) => {
      const results: {
        file: string;
        valid: boolean;
        error?: string;
        problems: { line: number; column: number; message: string; severity?: 'warning' }[];
      }[] = [];
      for (const file of files) {
        try {
          const loaded = loadReportFile(file);
          const problems = locatedChecks(loaded, file).map((p) => ({
            line: p.line ?? 1,
            column: p.column ?? 1,
            message: p.message,
            ...(p.severity ? { severity: p.severity } : {}),
          }));
          // Warnings (an owner or deadline a draft has yet to get) are shown but do not make a file invalid.
          results.push({ file, valid: problems.every((p) => p.severity === 'warning'), problems });
        } catch (e) {
          if (!isAppError(e)) throw e;
          if (e.code !== 'invalid_report') {
            // Unreadable input (missing, binary, hostile YAML …): one line, exit 2, and go on with the others.
            ctx.io.err(`hindsight: ${e.message}\n`);
            ctx.setExit(e.exitCode);
            results.push({ file, valid: false, problems: [], error: e.message });
            continue;
          }
          results.push({
            file,
            valid: false,
            problems: e.details.map((d) => ({
              line: d.line ?? 1,
              column: d.column ?? 1,
              message: d.message,
            })),
          });
        }
      }
      if (opts.json) ctx.io.out(`${JSON.stringify(results, null, 2)}\n`);
      for (const r of results) {
        if (!opts.json) {
          for (const p of r.problems) {
            const message = p.severity === 'warning' ? `warning: ${p.message}` : p.message;
            ctx.io.err(`${formatLocated(r.file, p.line, p.column, message)}\n`);
          }
          if (r.valid) ctx.io.err(`${r.file}: valid\n`);
        }
        if (!r.valid) ctx.setExit(1);
      }
      if (results.length === 0) throw new AppError('bad_request', 'no files given');
    });
};
