import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../domain/errors.js';
import { DEFAULT_LINT_CONFIG, parseLintConfig } from './config.js';
import { findConfig, loadConfigFile } from './config.loader.js';

const root = mkdtempSync(join(tmpdir(), 'hindsight-lint-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fails(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an AppError');
}

describe('parseLintConfig', () => {
  it('resolves defaults, severities, words, roster and glossary', () => {
    const c = parseLintConfig({
      rules: { blame: 'warning', spelling: false, 'passive-voice': true },
      words: { judgment: ['Shambles'], dictionary: ['Kafka'] },
      roster: ['Ana Ruiz'],
      glossary: { ASG: 'auto scaling group' },
      summaryWordLimit: 90,
    });
    expect(c.severities.get('blame')).toBe('warning');
    expect(c.severities.get('spelling')).toBe('off');
    expect(c.severities.get('passive-voice')).toBe('info');
    expect(c.judgmentWords).toEqual(['shambles']);
    expect(c.dictionary.has('kafka')).toBe(true);
    expect(c.glossary.has('ASG')).toBe(true);
    expect(c.summaryWordLimit).toBe(90);
    expect(DEFAULT_LINT_CONFIG.summaryWordLimit).toBe(150);
  });

  it('refuses bad values with a message that says where, as a usage error (exit 2)', () => {
    const e = fails(() => parseLintConfig({ rules: { blame: 'loud' } }, 'x/.hindsightrc.json'));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^x\/\.hindsightrc\.json: invalid lint configuration: rules\.blame: /);
    expect(fails(() => parseLintConfig({ summaryWordLimit: -1 })).message).toContain('summaryWordLimit');
    expect(fails(() => parseLintConfig({ colour: 'red' })).message).toContain('colour');
    expect(fails(() => parseLintConfig([])).exitCode).toBe(2);
  });

  it('refuses an unknown rule id and lists the known ones', () => {
    const e = fails(() => parseLintConfig({ rules: { blaim: 'off' } }));
    expect(e.message).toContain('rules.blaim: no such rule');
    expect(e.message).toContain('blame');
  });
});

describe('the README', () => {
  it('shows a configuration that parses', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)```/u.exec(readme)?.[1];
    expect(example).toBeDefined();
    const c = parseLintConfig(JSON.parse(example as string), 'README');
    expect(c.severities.get('passive-voice')).toBe('off');
    expect(c.roster.length).toBeGreaterThan(0);
  });
});

describe('finding the configuration', () => {
  it('uses the nearest .hindsightrc.json above the file’s folder', () => {
    const dir = join(root, 'a', 'b', 'c');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(root, 'a', '.hindsightrc.json'), JSON.stringify({ rules: { blame: 'off' } }));
    const found = findConfig(dir);
    expect(found.file).toBe(join(root, 'a', '.hindsightrc.json'));
    expect(found.config.severities.get('blame')).toBe('off');
  });

  it('uses the hindsight key of a package.json, and skips a package.json without one', () => {
    mkdirSync(join(root, 'p', 'q'), { recursive: true });
    writeFileSync(
      join(root, 'p', 'package.json'),
      JSON.stringify({ name: 'x', hindsight: { summaryWordLimit: 60 } }),
    );
    writeFileSync(join(root, 'p', 'q', 'package.json'), JSON.stringify({ name: 'y' }));
    const found = findConfig(join(root, 'p', 'q'));
    expect(found.file).toBe(join(root, 'p', 'package.json'));
    expect(found.config.summaryWordLimit).toBe(60);
    expect(loadConfigFile(join(root, 'p', 'package.json')).config.summaryWordLimit).toBe(60);
  });

  it('reports broken JSON and missing files as usage errors', () => {
    writeFileSync(join(root, 'broken.json'), '{ "rules": ');
    const e = fails(() => loadConfigFile(join(root, 'broken.json')));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('is not valid JSON');
    expect(fails(() => loadConfigFile(join(root, 'nope.json'))).message).toContain('no such file');
  });
});
