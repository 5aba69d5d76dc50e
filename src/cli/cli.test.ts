import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  writeFileSync,
  mkdirSync,
  openSync,
  closeSync,
  ftruncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_KINDS } from '../domain/index.js';
import { serializePostmortem } from '../markdown/postmortem.serialize.js';
import { buildReport } from '../../test/factories.js';
import { cli } from '../../test/cli-harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hindsight-cli-'));
});

const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe('hindsight new → validate → render', () => {
  for (const kind of REPORT_KINDS) {
    it(`the ${kind} template validates and renders back to the same bytes`, async () => {
      const out = join(dir, `${kind}.md`);
      const created = await cli('new', '--template', kind, '-o', out);
      expect(created.code).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text).toMatch(new RegExp(`^---\\nkind: ${kind}\\n`));
      // Guidance for the kind is in the file as comments.
      expect(text).toContain('<!--');
      const valid = await cli('validate', out);
      expect(valid.err).toContain('valid');
      expect(valid.code).toBe(0);
      const rendered = await cli('render', out, '--format', 'md');
      expect(rendered.code).toBe(0);
      expect(rendered.out).toBe(text);
    });
  }

  it('refuses an unknown template, a bad title and an existing output file', async () => {
    expect((await cli('new', '--template', 'meteor')).code).toBe(2);
    expect((await cli('new', '--title', ' padded ')).code).toBe(2);
    const out = join(dir, 'exists.md');
    writeFileSync(out, 'keep me');
    const r = await cli('new', '-o', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain('already exists');
    expect(readFileSync(out, 'utf8')).toBe('keep me');
  });

  it('renders JSON that is the model, and HTML that escapes what people wrote', async () => {
    const report = buildReport({ title: 'Checkout <script>alert(1)</script> outage' });
    const p = file('full.md', serializePostmortem(report));
    const json = await cli('render', p, '--format', 'json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(report);
    const html = await cli('render', p, '--format', 'html');
    expect(html.out).toContain('<!doctype html>');
    expect(html.out).toContain('Checkout &lt;script&gt;alert(1)&lt;/script&gt; outage');
    expect(html.out).not.toContain('<script>');
    expect(html.out).toContain('time to detect');
    expect((await cli('render', p, '--format', 'pdf')).code).toBe(2);
  });
});

describe('hindsight validate', () => {
  it('reports schema problems at file:line:col and exits 1', async () => {
    const text = serializePostmortem(buildReport())
      .replace('kind: outage', 'kind: meltdown')
      .replace('| 2024-03-05 14:09 | detected |', '| 2024-03-05 14:09 | spotted |');
    const p = file('bad.md', text);
    const r = await cli('validate', p);
    expect(r.code).toBe(1);
    const lines = text.split('\n');
    const kindLine = lines.findIndex((l) => l.startsWith('kind:')) + 1;
    const rowLine = lines.findIndex((l) => l.includes('| spotted |')) + 1;
    expect(r.err).toContain(`${p}:${kindLine}:7: kind: Invalid option`);
    const col = (lines[rowLine - 1] as string).indexOf('spotted') + 1;
    expect(r.err).toContain(`${p}:${rowLine}:${col}: "spotted" is not a timeline kind`);
  });

  it('reports semantic problems at the place they concern', async () => {
    const report = buildReport();
    const [a, b, ...rest] = report.details.timeline;
    report.details.timeline = [b!, a!, ...rest];
    report.actions.items[0]!.owner = undefined;
    report.actions.items[1]!.addresses = ['CF9'];
    const text = serializePostmortem(report);
    const p = file('semantic.md', text);
    const r = await cli('validate', p, '--json');
    expect(r.code).toBe(1);
    const [result] = JSON.parse(r.out) as { problems: { line: number; message: string }[] }[];
    const lines = text.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    const msgs = result!.problems.map((p) => `${p.line} ${p.message}`);
    expect(msgs).toContain(
      `${lineOf('| Gateway client 5.2 deployed')} event 2 (2024-03-05T14:02:00Z) comes before event 1 (2024-03-05T14:09:00Z) listed above it`,
    );
    expect(msgs).toContain(`${lineOf('### A1:')} action A1 has no owner`);
    expect(msgs).toContain(
      `${lineOf('**Addresses:** CF9')} action A2 addresses CF9, which is not a root cause, contributing factor or lesson of this report`,
    );
  });

  it('validates several files and exits with the worst result', async () => {
    const good = file('good.md', serializePostmortem(buildReport()));
    const r = await cli('validate', good, join(dir, 'missing.md'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${good}: valid`);
    expect(r.err).toContain('missing.md: no such file');
  });
});

describe('hindsight import', () => {
  it('converts a real post-mortem, writes canonical Markdown and reports what it recognized', async () => {
    const source = join(
      process.cwd(),
      'test/fixtures/corpus/postmortems/dfds_PM2021-005_All_services_returning_503_in_Kubernetes.md',
    );
    const out = join(dir, 'imported.md');
    const r = await cli('import', source, '-o', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain('Timeline: 7 rows → 7 events');
    const json = await cli('import', source, '--json');
    const { report } = JSON.parse(json.out);
    const rendered = await cli('render', out, '--format', 'json');
    expect(JSON.parse(rendered.out)).toEqual(report);
    expect(report.details.timeline).toHaveLength(7);
    // Imported once, the file is canonical: rendering it again changes nothing.
    expect((await cli('render', out)).out).toBe(readFileSync(out, 'utf8'));
    expect((await cli('import', source, '-o', out)).code).toBe(2);
    const badZone = await cli('import', source, '--tz', 'Nowhere/City');
    expect(badZone.code).toBe(2);
    expect(badZone.err).toContain('unknown time zone "Nowhere/City"');
    const pdt = await cli('import', source, '--tz', 'PDT', '--json');
    expect(pdt.code).toBe(0);
    // Read in PDT instead of the UTC that the file states, the instants move.
    expect(JSON.parse(pdt.out).report.details.timeline.map((e: { at: string }) => e.at)).not.toEqual(
      report.details.timeline.map((e: { at: string }) => e.at),
    );
  });
});

describe('an imported archive', () => {
  it('validates as a draft, with owners and deadlines as warnings, and says so when imported', async () => {
    const source = join(process.cwd(), 'src/markdown/import/fixtures/foreign/f03-nested-actions.md');
    const out = join(dir, 'imported-draft.md');
    const imported = await cli('import', source, '-o', out);
    expect(imported.code).toBe(0);
    expect(imported.err).toContain('Needed before review (warnings while a draft): action A1 has no owner');
    expect(imported.err).toContain('Action items (line 9): 3 actions');
    const r = await cli('validate', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: action A1 has no owner');
    expect(r.err).toContain(`${out}: valid`);
    // Put up for review, the same gaps are errors.
    writeFileSync(out, readFileSync(out, 'utf8').replace(/^state: draft$/m, 'state: in_review'));
    const review = await cli('validate', out);
    expect(review.code).toBe(1);
    expect(review.err).not.toContain('warning:');
  });
});

describe('hindsight metrics', () => {
  it('prints the derived figures of a report', async () => {
    const p = file('metrics.md', serializePostmortem(buildReport()));
    const r = await cli('metrics', p, '--json', '--today', '2024-04-01');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.times.timeToDetect).toBe(7 * 60_000);
    expect(m.times.timeToRespond).toBe(3 * 60_000);
    expect(m.times.timeToMitigate).toBe(98 * 60_000);
    expect(m.times.timeToResolve).toBe(149 * 60_000);
    expect(m.impact.byCurrency).toEqual([{ currency: 'EUR', total: 62250.5, estimated: true, lines: 2 }]);
    expect(m.actions.overdue).toBe(0);
    expect(m.actions.byStatus.completed).toBe(1);
    const late = await cli('metrics', p, '--json', '--today', '2024-05-01');
    expect(JSON.parse(late.out).actions.overdue).toBe(1);
    const text = await cli('metrics', p, '--today', '2024-04-01');
    expect(text.out).toContain('time to detect     7m');
    expect(text.out).toContain('time to resolve    2h 29m');
    expect((await cli('metrics', p, '--today', 'tomorrow')).code).toBe(2);
  });
});

describe('bad input gets one line and exit 2, fast', () => {
  const cases: [string, () => string][] = [
    ['a missing file', () => join(dir, 'nope.md')],
    [
      'a directory',
      () => {
        const d = join(dir, 'a-dir');
        mkdirSync(d, { recursive: true });
        return d;
      },
    ],
    [
      'a binary file',
      () => file('image.md', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])),
    ],
    [
      'invalid UTF-8',
      () => file('latin1.md', Buffer.from('---\nkind: outage\n---\n# Caf\xe9 down\n', 'latin1')),
    ],
    [
      'a 100 MB file',
      () => {
        const p = join(dir, 'huge.md');
        const fd = openSync(p, 'w');
        ftruncateSync(fd, 100 * 1024 * 1024);
        closeSync(fd);
        return p;
      },
    ],
    [
      'a YAML alias bomb',
      () => {
        const lines = ['---', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
        for (let i = 0; i < 9; i += 1) {
          const prev = String.fromCharCode(97 + i);
          const next = String.fromCharCode(98 + i);
          lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
        }
        return file('bomb.md', `${lines.join('\n')}\nkind: outage\n---\n# Bomb\n`);
      },
    ],
    ['a custom YAML tag', () => file('tag.md', '---\nkind: !!js/function "function(){}"\n---\n# Tag\n')],
    [
      '10,000-deep nesting in the front matter',
      () => file('deep-yaml.md', `---\nkind: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n---\n# Deep\n`),
    ],
    [
      '10,000-deep nesting in the body',
      () =>
        file(
          'deep-body.md',
          `---\nkind: outage\n---\n# Deep\n\n## Executive summary\n\n### Notes\n\n${'> '.repeat(10_000)}deep\n`,
        ),
    ],
  ];
  for (const [name, make] of cases) {
    for (const command of ['validate', 'render', 'metrics', 'import']) {
      it(`${command}: ${name}`, async () => {
        const path = make();
        const r = await cli(command, path);
        expect(r.code).toBe(2);
        expect(r.out).toBe('');
        expect(r.err.trim().split('\n')).toHaveLength(1);
        expect(r.err).toMatch(/^hindsight: /);
        expect(r.err.split('\n').some((l) => /^\s+at /.test(l))).toBe(false);
        // A guard against hangs: these are refused before any real work.
        expect(r.ms).toBeLessThan(1000);
      });
    }
  }
});

describe('a file that is not UTF-8', () => {
  // Each is refused naming the byte where it goes wrong; the scan took bytes that follow a lead byte's pattern
  // but not its ranges for UTF-8 and named offset 0 for an encoded surrogate, an overlong form, or past U+10FFFF.
  const cases: [string, number[]][] = [
    ['an encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['an overlong slash (C0 AF)', [0xc0, 0xaf]],
    ['an overlong three-byte form (E0 80 AF)', [0xe0, 0x80, 0xaf]],
    ['an overlong four-byte form (F0 80 80 AF)', [0xf0, 0x80, 0x80, 0xaf]],
    ['a code point past U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
    ['an FF byte', [0xff]],
  ];
  for (const [name, bytes] of cases) {
    it(`names the offset of ${name}`, async () => {
      const path = file('bad.md', Buffer.concat([Buffer.from('# Outage\n\nA é '), Buffer.from(bytes)]));
      const r = await cli('validate', path);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`hindsight: ${path}: is not valid UTF-8 text (bad byte at offset 15)\n`);
    });
  }
});

describe('the installed binary', () => {
  it('runs through bin/hindsight.js with exit codes and no stack traces', () => {
    const bin = join(process.cwd(), 'bin', 'hindsight.js');
    const help = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    for (const command of ['new', 'validate', 'render', 'metrics']) expect(help).toContain(command);
    const out = join(dir, 'bin.md');
    const made = spawnSync(process.execPath, [bin, 'new', '--template', 'launch', '-o', out], {
      encoding: 'utf8',
    });
    expect(made.status).toBe(0);
    expect(spawnSync(process.execPath, [bin, 'validate', out]).status).toBe(0);
    const bad = spawnSync(process.execPath, [bin, 'validate', dir], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`hindsight: ${dir}: is a directory, not a file\n`);
    const usage = spawnSync(process.execPath, [bin, 'render'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("missing required argument 'file'");
  });
});
