// The linter's output, pinned: `hindsight lint --format json` over the corpus reports, the good and flawed
// fixtures, generated reports (the lint bench's) and generated reports full of typos, plus `lintSection` on each
// section and a British-English run. The golden file was written by the code before the speed work of issue 11
// (item 7); any change to what the linter finds, where, with what message, suggestion or score shows up here.
// A deliberate change of the rules regenerates it: HINDSIGHT_UPDATE_GOLDEN=1 npx vitest run src/lint/golden.test.ts
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../test/cli-harness.js';
import { generate, lintBenchText } from '../../bench/lint.reports.js';
import { prng } from '../../bench/report.generator.js';
import type { Report } from '../domain/index.js';
import { SECTION_KEYS } from '../domain/report.schema.js';
import { serializePostmortem } from '../markdown/postmortem.serialize.js';
import { parseLintConfig } from './config.js';
import { lintReport, lintSection } from './engine.js';

const GOLDEN = resolve(process.cwd(), 'src/lint/fixtures/lint-golden.json');
const CORPUS = resolve(process.cwd(), 'test/fixtures/corpus/postmortems');
const FIXTURES = resolve(process.cwd(), 'src/lint/fixtures');
const GENERATED = 60;
const TYPO_REPORTS = 12;
const update = process.env.HINDSIGHT_UPDATE_GOLDEN === '1';

const tmp = mkdtempSync(join(tmpdir(), 'hindsight-lint-golden-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Swap two letters in about every fifth long word: real-looking typos, the same every run. */
function withTypos(text: string, r: () => number): string {
  return text.replace(/(?<=[ (])([a-z]{6,})(?=[ .,])/g, (w) => {
    if (r() >= 0.2) return w;
    const i = 1 + Math.floor(r() * (w.length - 3));
    return `${w.slice(0, i)}${w[i + 1]}${w[i]}${w.slice(i + 2)}`;
  });
}

/** The report with typos in its prose (strings of 40 characters or more), its structure left valid. */
function typoed(value: unknown, r: () => number): unknown {
  if (typeof value === 'string') return value.length >= 40 ? withTypos(value, r) : value;
  if (Array.isArray(value)) return value.map((v) => typoed(v, r));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typoed(v, r)]));
  return value;
}

/** The folder the CLI lints: every kind of input the linter meets, in a fixed order. */
function writeInputs(root: string): void {
  mkdirSync(join(root, 'a-corpus'), { recursive: true });
  for (const f of readdirSync(CORPUS)) copyFileSync(join(CORPUS, f), join(root, 'a-corpus', f));
  mkdirSync(join(root, 'b-fixtures'));
  for (const f of ['good-report.md', 'flawed-report.md'])
    copyFileSync(join(FIXTURES, f), join(root, 'b-fixtures', f));
  mkdirSync(join(root, 'c-generated'));
  for (let i = 0; i < GENERATED; i += 1)
    writeFileSync(join(root, 'c-generated', `pm-${String(i).padStart(4, '0')}.md`), lintBenchText(i));
  mkdirSync(join(root, 'd-typos'));
  for (let i = 0; i < TYPO_REPORTS; i += 1)
    writeFileSync(
      join(root, 'd-typos', `typos-${String(i).padStart(2, '0')}.md`),
      serializePostmortem(typoed(generate(5000 + i), prng(i + 1)) as Report),
    );
  // A foreign (imported) report with typos too: the importer's path with many unknown words.
  const foreign = readFileSync(join(CORPUS, readdirSync(CORPUS)[0] as string), 'utf8');
  writeFileSync(join(root, 'd-typos', 'typos-foreign.md'), withTypos(foreign, prng(99)));
}

interface Golden {
  cli: unknown;
  sections: unknown;
  british: unknown;
}

function current(): Golden {
  return {
    cli: undefined,
    sections: Array.from({ length: 8 }, (_, i) => {
      const report = generate(i % 2 === 0 ? i : 7000 + i);
      return Object.fromEntries(SECTION_KEYS.map((s) => [s, lintSection(report, s)]));
    }),
    british: Array.from({ length: 4 }, (_, i) =>
      lintReport(generate(9000 + i), parseLintConfig({ language: 'en-GB' })),
    ),
  };
}

describe('the linter’s output is what the golden file pins', () => {
  const root = join(tmp, 'in');
  let serial = '';

  it('hindsight lint --format json over the corpus, fixtures and generated reports; lintSection; British', async () => {
    writeInputs(root);
    const r = await cli('lint', '--format', 'json', '--jobs', '1', root);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    serial = r.out;
    const got = current();
    got.cli = JSON.parse(r.out.split(relative(process.cwd(), root)).join('<in>'));
    if (update) writeFileSync(GOLDEN, `${JSON.stringify(got, null, 1)}\n`);
    const want = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden;
    expect(got.sections).toEqual(want.sections);
    expect(got.british).toEqual(want.british);
    expect(got.cli).toEqual(want.cli);
  }, 180_000);

  // The spelling suggestions of a file depend on the files before it (a cache and a budget per process), so the
  // threads are checked in a process of their own, as a person runs it: the built CLI (npm run build).
  it('the same from bin/hindsight.js in worker threads (--jobs 2), byte for byte', () => {
    const bin = join(process.cwd(), 'bin', 'hindsight.js');
    const r = spawnSync(process.execPath, [bin, 'lint', '--format', 'json', '--jobs', '2', root], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 170_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(serial);
  }, 180_000);
});
