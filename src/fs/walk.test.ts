import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkFiles, type WalkOptions } from './walk.js';

describe('walkFiles', () => {
  let root: string;
  const touch = (p: string) => {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), 'x');
  };
  const walked = (options?: WalkOptions, from = root) =>
    [...walkFiles(from, options)].map((f) => `${relative(root, f.path)}${f.dir ? '/' : ''}`);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'hindsight-walk-'));
    for (const p of [
      'b.md',
      'A.md',
      'a/z.md',
      'a/.hidden.md',
      '.git/config',
      'node_modules/x/y.md',
      'export/users.json',
      'export/c/1.json',
    ])
      touch(p);
    symlinkSync(join(root, 'a'), join(root, 'link'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists files depth first in code-unit order, never entering dot-folders, following links', () => {
    expect(walked()).toEqual([
      'A.md',
      'a/.hidden.md',
      'a/z.md',
      'b.md',
      'export/c/1.json',
      'export/users.json',
      'link/.hidden.md',
      'link/z.md',
      'node_modules/x/y.md',
    ]);
  });

  it('skips named folders and dot-files when asked, and takes claimed folders whole', () => {
    const isExport = (d: string) => d.endsWith('export');
    expect(
      walked({ skipDirs: new Set(['node_modules', 'link']), skipDotFiles: true, claim: isExport }),
    ).toEqual(['A.md', 'a/z.md', 'b.md', 'export/']);
    expect(walked({ claim: isExport }, join(root, 'export'))).toEqual(['export/']);
  });

  it('does not follow a link back up the tree (a loop), but still lists what the folder holds', () => {
    const top = mkdtempSync(join(tmpdir(), 'walk-loop-'));
    try {
      writeFileSync(join(top, 'r.md'), '# r');
      mkdirSync(join(top, 'sub'));
      writeFileSync(join(top, 'sub', 's.md'), '# s');
      symlinkSync('.', join(top, 'loop'));
      symlinkSync('..', join(top, 'sub', 'up'));
      expect([...walkFiles(top)].map((e) => relative(top, e.path))).toEqual(['r.md', join('sub', 's.md')]);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('refuses too many files, folders nested too deep, and a folder it cannot list, as AppErrors', () => {
    expect(() => walked({ maxEntries: 3 })).toThrow(expect.objectContaining({ code: 'too_large' }));
    expect(() => walked({ maxDepth: 1 })).toThrow(
      expect.objectContaining({ code: 'io', message: expect.stringMatching(/nested too deep/) }),
    );
    expect(() => walked({}, join(root, 'missing'))).toThrow(
      expect.objectContaining({ code: 'io', message: expect.stringMatching(/cannot be listed \(ENOENT\)/) }),
    );
  });
});
