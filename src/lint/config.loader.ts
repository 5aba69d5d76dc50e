import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../domain/errors.js';
import { DEFAULT_LINT_CONFIG, parseLintConfig, type LintConfig } from './config.js';

export const CONFIG_FILE = '.hindsightrc.json';

/** A configuration and the file it came from (undefined for the defaults). */
export interface LoadedConfig {
  config: LintConfig;
  file?: string;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    if (statSync(file).size > 1024 * 1024)
      throw new AppError('bad_request', `${file}: configuration file is larger than 1 MB`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof AppError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new AppError(
      'io',
      `${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'unknown error'})`}`,
    );
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/u, ''));
  } catch (e) {
    throw new AppError('bad_request', `${file}: is not valid JSON (${(e as Error).message})`);
  }
}

/** Load a configuration file named on the command line: `.hindsightrc.json`-style JSON, or a package.json. */
export function loadConfigFile(file: string): LoadedConfig {
  const raw = readJson(file);
  if (file.endsWith('package.json')) {
    const section = (raw as Record<string, unknown> | null)?.hindsight;
    return { config: parseLintConfig(section ?? {}, `${file} (hindsight key)`), file };
  }
  return { config: parseLintConfig(raw, file), file };
}

/**
 * Find the configuration for a file in `dir`: the nearest `.hindsightrc.json`, or the nearest package.json with a
 * `hindsight` key, walking up to the file system root. `cache` avoids re-reading for files in the same folders.
 */
export function findConfig(dir: string, cache: Map<string, LoadedConfig> = new Map()): LoadedConfig {
  const visited: string[] = [];
  let current = resolve(dir);
  let found: LoadedConfig | undefined;
  for (;;) {
    const cached = cache.get(current);
    if (cached) {
      found = cached;
      break;
    }
    visited.push(current);
    const rc = join(current, CONFIG_FILE);
    if (existsSync(rc)) {
      found = loadConfigFile(rc);
      break;
    }
    const pkg = join(current, 'package.json');
    if (existsSync(pkg)) {
      const raw = readJson(pkg) as Record<string, unknown> | null;
      if (raw && typeof raw === 'object' && 'hindsight' in raw) {
        found = { config: parseLintConfig(raw.hindsight, `${pkg} (hindsight key)`), file: pkg };
        break;
      }
    }
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  const result = found ?? { config: DEFAULT_LINT_CONFIG };
  for (const v of visited) cache.set(v, result);
  return result;
}
