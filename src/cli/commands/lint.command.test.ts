import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../../test/cli-harness.js';
import { sarifValidator } from '../../lint/fixtures/sarif-validator.js';

const CORPUS = resolve(process.cwd(), 'test/fixtures/corpus/postmortems');
const FIXTURES = resolve(process.cwd(), 'src/lint/fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'hindsight-lint-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The file name as the CLI prints it (relative to the working directory). */
const shown = (file: string) => relative(process.cwd(), file);
/** The 1-based number of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  expect(i, `"${text}" in ${file}`).toBeGreaterThanOrEqual(0);
  return i + 1;
}
const findingsAt = (out: string, file: string, line: number) =>
  out.split('\n').filter((l) => l.startsWith(`${shown(file)}:${line}:`));

describe('hindsight lint on the real post-mortems of the corpus', () => {
  const pm2023 = join(CORPUS, 'dfds_PM2023-001_Total_node_failure.md');
  const prow = join(CORPUS, 'k8s-test-infra_2019-05-30_prow-flakiness.md');
  const surveys = join(CORPUS, 'posthog_2025-10-03-surveys-sdk-bug.md');

  it('lints the folder: findings in every report, compiler-style lines, exit 1 for the errors', async () => {
    const r = await cli('lint', CORPUS);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const files = new Set(
      r.out
        .split('\n')
        .filter((l) => / (error|warning|info) [a-z-]+ /.test(l))
        .map((l) => l.split(':')[0]),
    );
    expect(files.size).toBe(7);
    for (const line of r.out.split('\n').filter((l) => l.includes(' error ') || l.includes(' warning '))) {
      expect(line).toMatch(/^[^:]+\.md:\d+:\d+ (error|warning) [a-z-]+ \S/);
    }
    expect(r.out).toMatch(/7 files checked: \d+ errors, \d+ warnings, \d+ info\n$/);
  });

  it('pins the out-of-order rows of PM2023-001 (11:08 listed before 11:07) on the 11:07 row', async () => {
    const r = await cli('lint', pm2023);
    const row = lineOf(pm2023, '| 2023-02-14 11:07 |');
    const hits = findingsAt(r.out, pm2023, row);
    expect(hits).toEqual([expect.stringMatching(/ error timeline-order .*11:07.*11:08/)]);
  });

  it('pins judging words that are plainly there, and leaves quoted chat alone', async () => {
    const r = await cli('lint', prow, surveys);
    // "computers are awful" is in the chat log the report quotes (a block quote): someone else's words.
    expect(findingsAt(r.out, prow, lineOf(prow, 'awful'))).toEqual([]);
    expect(findingsAt(r.out, surveys, lineOf(surveys, 'unacceptable'))).toContainEqual(
      expect.stringContaining(' judgment "unacceptable"'),
    );
  });

  it('says nothing about a plainly fine sentence', async () => {
    const r = await cli('lint', pm2023);
    expect(findingsAt(r.out, pm2023, lineOf(pm2023, 'Sev 1 ticket marked as resolved'))).toEqual([]);
    expect(findingsAt(r.out, pm2023, lineOf(pm2023, '2nd attempt at running node rollover script'))).toEqual(
      [],
    );
  });

  it('writes JSON with every finding located and a quality score per report', async () => {
    const r = await cli('lint', '--format', 'json', CORPUS);
    expect(r.code).toBe(1);
    const data = JSON.parse(r.out) as {
      files: {
        file: string;
        score: { overall: number; reasons: unknown[] };
        findings: { line: number; column: number; ruleId: string }[];
      }[];
      totals: { errors: number };
    };
    expect(data.files).toHaveLength(7);
    for (const f of data.files) {
      expect(f.score.overall).toBeGreaterThanOrEqual(0);
      expect(f.score.overall).toBeLessThan(100);
      expect(f.score.reasons.length).toBeGreaterThan(0);
      for (const x of f.findings) expect(x.line).toBeGreaterThanOrEqual(1);
    }
    expect(data.totals.errors).toBe(
      data.files.flatMap((f) => f.findings).filter((x) => (x as { severity?: string }).severity === 'error')
        .length,
    );
  });

  it('gives the same output in worker threads (--jobs 2) as in one (--jobs 1)', async () => {
    const files = [CORPUS, join(FIXTURES, 'good-report.md'), join(FIXTURES, 'flawed-report.md')];
    const one = await cli('lint', '--format', 'json', '--jobs', '1', ...files);
    const two = await cli('lint', '--format', 'json', '--jobs', '2', ...files);
    expect(two.err).toBe(one.err);
    expect(two.code).toBe(one.code);
    expect(JSON.parse(one.out).files).toHaveLength(9);
    expect(two.out).toBe(one.out);
  }, 120_000);

  it('writes SARIF 2.1.0 that validates against the schema', async () => {
    const r = await cli('lint', '--format', 'sarif', CORPUS, join(FIXTURES, 'good-report.md'));
    const log = JSON.parse(r.out);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(log.runs[0].results.length).toBeGreaterThan(50);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(
      /^test\/fixtures\/corpus\/postmortems\//,
    );
  });
});

describe('hindsight lint on Postmortem Markdown', () => {
  const good = join(FIXTURES, 'good-report.md');
  const flawed = join(FIXTURES, 'flawed-report.md');

  it('passes a good report, even with --max-warnings 0', async () => {
    const r = await cli('lint', '--max-warnings', '0', good);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/quality score \d+\/100, passes/);
    expect(r.out).not.toMatch(/ (error|warning) /);
  });

  it('places prose findings on the word, and honours a disable-next-line directive', async () => {
    const r = await cli('lint', flawed);
    expect(r.code).toBe(1);
    const line = lineOf(flawed, 'Mateo forgot');
    const column = readFileSync(flawed, 'utf8').split('\n')[line - 1]!.indexOf('careless') + 1;
    expect(r.out).toContain(`${shown(flawed)}:${line}:${column} warning judgment "careless"`);
    expect(r.out).toContain(`${shown(flawed)}:${line}:1 error blame "Mateo"`);
    const suppressed = lineOf(flawed, 'basically a mess');
    expect(findingsAt(r.out, flawed, suppressed)).toEqual([]);
    expect(r.out).toContain('appendix-missing The text refers to Appendix C');
  });

  it('fails on more warnings than --max-warnings allows', async () => {
    const file = join(tmp, 'warn.md');
    writeFileSync(
      file,
      readFileSync(good, 'utf8').replace('- **L1** The error-rate alert fired within 2 minutes.\n\n', ''),
    );
    expect((await cli('lint', file)).code).toBe(0);
    const r = await cli('lint', '--max-warnings', '0', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain('more than the 0 allowed');
  });

  it('finds .hindsightrc.json above the file, or takes --config', async () => {
    const dir = join(tmp, 'team', 'reports');
    mkdirSync(dir, { recursive: true });
    copyFileSync(flawed, join(dir, 'flawed.md'));
    writeFileSync(
      join(tmp, 'team', '.hindsightrc.json'),
      JSON.stringify({ rules: { blame: 'off', judgment: 'info' } }),
    );
    const r = await cli('lint', dir);
    expect(r.out).not.toContain(' blame ');
    expect(r.out).toMatch(/ info judgment "careless"/);
    const other = join(tmp, 'other.json');
    writeFileSync(other, JSON.stringify({ rules: { 'appendix-missing': 'off' } }));
    const r2 = await cli('lint', '--config', other, join(dir, 'flawed.md'));
    expect(r2.out).toContain(' error blame ');
    expect(r2.out).not.toContain('appendix-missing');
  });

  it('refuses bad configuration, options and paths with one line and exit 2', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ rules: { blame: 'sometimes' } }));
    for (const args of [
      ['--config', bad, good],
      ['--format', 'xml', good],
      ['--max-warnings', 'many', good],
      ['--jobs', '0', good],
      ['--jobs', 'all', good],
      [join(tmp, 'missing.md')],
    ]) {
      const r = await cli('lint', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^hindsight: /);
      expect(r.err).not.toContain('    at ');
    }
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expect((await cli('lint', empty)).code).toBe(2);
  });

  it('reads a file whose front matter is not Hindsight’s as a foreign report', async () => {
    const file = join(tmp, 'site-page.md');
    writeFileSync(
      file,
      '---\ntitle: Outage notes\nlayout: post\n---\n\n# Outage notes\n\n## Impact\n\nMany users could not log in.\n',
    );
    const r = await cli('lint', file);
    expect(r.out).not.toContain('invalid-report');
    expect(r.out).toMatch(/:10:1 warning vague-impact "Many"/);
  });

  it('turns the problems of an invalid report into located errors (exit 1)', async () => {
    const file = join(tmp, 'invalid.md');
    writeFileSync(file, '---\nkind: banana\n---\n\n# Title\n');
    const r = await cli('lint', file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      new RegExp(
        `^${shown(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+ error invalid-report kind: `,
        'm',
      ),
    );
  });

  it('reports an unreadable file and still lints the others', async () => {
    const bin = join(tmp, 'binary.md');
    writeFileSync(bin, Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0x00, 0x01]));
    const r = await cli('lint', bin, good);
    expect(r.code).toBe(2);
    expect(r.err).toContain('binary');
    expect(r.out).toMatch(/quality score \d+\/100, passes/);
  });
});

describe('hindsight lint --explain and --add-word', () => {
  const bin = join(process.cwd(), 'bin', 'hindsight.js');
  const run = (cwd: string, ...args: string[]) =>
    spawnSync(process.execPath, [bin, 'lint', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

  it("prints a rule's page, and refuses an unknown rule with exit 2", async () => {
    const r = await cli('lint', '--explain', 'word-confusion');
    expect(r.code).toBe(0);
    expect(r.out).toContain('# word-confusion');
    expect(r.out).toContain('## How to silence it');
    const bad = await cli('lint', '--explain', '../../package');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('no rule "../../package"');
  });

  it('adds a word to .hindsight/words, which the spelling rule then accepts', () => {
    const project = mkdtempSync(join(tmp, 'project-'));
    const report = join(project, 'outage.md');
    writeFileSync(
      report,
      '# Queue stall\n\n## Impact\n\nThe zorbinator queue stalled for 14 minutes and 310 orders waited.\n',
    );
    const spelled = (out: string) =>
      (
        JSON.parse(out) as { files: { findings: { ruleId: string; message: string }[] }[] }
      ).files[0]?.findings.filter((f) => f.ruleId === 'spelling' && f.message.includes('zorbinator')) ?? [];
    expect(spelled(run(project, '--format', 'json', 'outage.md').stdout)).toHaveLength(1);
    const added = run(project, '--add-word', 'zorbinator');
    expect(added.status).toBe(0);
    expect(added.stdout).toContain('added zorbinator');
    expect(readFileSync(join(project, '.hindsight', 'words'), 'utf8')).toBe('zorbinator\n');
    expect(run(project, '--add-word', 'Zorbinator').stdout).toContain('already');
    expect(spelled(run(project, '--format', 'json', 'outage.md').stdout)).toHaveLength(0);
    const bad = run(project, '--add-word', 'two words');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--add-word takes one word');
  }, 180_000);
});

// Run from the built package (`npm test` builds first): a copy of dist/ without the worker's program.
describe('hindsight lint --jobs from a dist/ without the lint worker', () => {
  it('lints in one thread with a warning, and gives the output of --jobs 1', () => {
    const root = process.cwd();
    const copy = mkdtempSync(join(tmp, 'package-'));
    cpSync(join(root, 'dist'), join(copy, 'dist'), {
      recursive: true,
      filter: (src) => !src.endsWith('lint.worker.js') && !src.endsWith('.cache'),
    });
    cpSync(join(root, 'bin'), join(copy, 'bin'), { recursive: true });
    copyFileSync(join(root, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const files = [
      'dfds_PM2023-001_Total_node_failure.md',
      'k8s-test-infra_2019-05-30_prow-flakiness.md',
    ].map((f) => join(CORPUS, f));
    const lint = (bin: string, jobs: string) =>
      spawnSync(process.execPath, [bin, 'lint', '--format', 'json', '--jobs', jobs, ...files], {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      });
    const one = lint(join(root, 'bin', 'hindsight.js'), '1');
    const missing = lint(join(copy, 'bin', 'hindsight.js'), '2');
    expect(missing.stderr).toBe(
      `hindsight: warning: the lint worker ${join(copy, 'dist/cli/commands/lint.worker.js')} is missing; linting in one thread\n`,
    );
    expect(missing.status).toBe(one.status);
    expect(missing.stdout).toBe(one.stdout);
    expect(JSON.parse(missing.stdout).files).toHaveLength(2);
  }, 240_000);
});
