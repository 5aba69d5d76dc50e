// `hindsight serve` as an operator runs it: the installed binary in its own process, configured by
// environment variables alone, logging JSON lines, with its data in ./data by default.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(process.cwd(), 'bin', 'hindsight.js');
const dir = mkdtempSync(join(tmpdir(), 'hindsight-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Start the binary with these variables; resolve with its address once it says where it serves. */
function serve(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve'], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address after 20 s: ${err}`)), 20_000);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /serving on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, out: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${err}`)));
  });
}

const stopped = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

describe('hindsight serve in its own process', () => {
  it('takes PORT and HOST from the environment, keeps its data in ./data/hindsight.db (WAL) even when DATABASE_URL is empty, and logs JSON', async () => {
    const { child, url, out } = await serve({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      HINDSIGHT_LOG_REQUESTS: '1',
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });
    // A credential in an address (Jira's webhook ?secret=, an unsubscribe token, a calendar feed) is not logged.
    await fetch(`${url}/api/tracker/hooks/nope?secret=whsec_LOGGEDSECRET`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    await fetch(`${url}/api/reminders/unsubscribe?token=LOGGEDTOKEN&x=1`);
    await fetch(`${url}/api/calendar/feeds/LOGGEDFEED.ics`);
    expect(await stopped(child)).toBe(0);
    const file = join(dir, 'data', 'hindsight.db');
    expect(existsSync(file)).toBe(true);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    // One JSON object per line, with the request that was served (asked for by HINDSIGHT_LOG_REQUESTS).
    const lines = out()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; req?: { url: string } });
    expect(lines.some((l) => l.req?.url === '/healthz' && typeof l.level === 'number')).toBe(true);
    expect(lines.map((l) => l.req?.url)).toEqual(
      expect.arrayContaining([
        '/api/tracker/hooks/nope?secret=%5Bredacted%5D',
        '/api/reminders/unsubscribe?token=%5Bredacted%5D&x=1',
        '/api/calendar/feeds/[redacted]',
      ]),
    );
    expect(out()).not.toMatch(/LOGGEDSECRET|LOGGEDTOKEN|LOGGEDFEED/);
  });

  it('uses the database DATABASE_URL names', async () => {
    const file = join(dir, 'elsewhere', 'named.db');
    const { child, url } = await serve({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: file });
    const health = (await (await fetch(`${url}/healthz`)).json()) as { database: string };
    expect(health.database).toBe('sqlite');
    expect(await stopped(child)).toBe(0);
    expect(existsSync(file)).toBe(true);
  });

  it('writes readable log lines, not JSON, when its output is a terminal', async () => {
    // `script` gives the server a terminal, as a person starting it at a shell would have.
    const db = join(dir, 'tty', 'tty.db');
    const command = `${process.execPath} ${bin} serve --port 0 --host 127.0.0.1 --db ${db} --log-requests`;
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, DATABASE_URL: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let text = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address after 20 s: ${text}`)), 20_000);
      child.stdout!.on('data', (c: Buffer) => {
        text += c.toString();
        const m = /serving on (http:\/\/[\d.:]+)/.exec(text);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    await fetch(`${url}/healthz`);
    // The request's line comes from pino's worker thread: wait for it (bounded).
    for (let i = 0; i < 50 && !/healthz/.test(text); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const lines = text.split(/\r?\n/).filter((l) => /INFO/.test(l));
    expect(lines.some((l) => /database migrated/.test(l))).toBe(true);
    expect(lines.some((l) => /healthz/.test(l))).toBe(true);
    // Not one JSON object among them: a person reads these.
    expect(text.split(/\r?\n/).some((l) => l.trim().startsWith('{"level"'))).toBe(false);
  });
});
