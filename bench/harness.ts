// What the benches share: starting processes the way users do, driving HTTP with autocannon, and printing
// each figure with its goal, its baseline and a verdict.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// BENCH_BIN runs another build (e.g. a copy of an earlier dist) for before/after figures.
export const BIN = process.env.BENCH_BIN ?? join(ROOT, 'bin/hindsight.js');

let failures = 0;

/** Print one figure: what, the value, the goal, the baseline it is judged against and pass/fail. */
export function row(label: string, value: string, goal?: string, baseline?: string, pass?: boolean): void {
  if (pass === false) failures += 1;
  const verdict = pass === undefined ? '' : pass ? 'PASS' : 'FAIL';
  process.stdout.write(
    `${label.padEnd(44)} ${value.padStart(12)}  ${(goal ?? '').padEnd(18)} ${(baseline ?? '').padEnd(30)} ${verdict}\n`,
  );
}

export function header(title: string): void {
  const [one, five] = loadavg();
  process.stdout.write(
    `\n${title} (load average ${one!.toFixed(2)} / ${five!.toFixed(2)})\n` +
      `${'figure'.padEnd(44)} ${'value'.padStart(12)}  ${'goal'.padEnd(18)} ${'baseline'.padEnd(30)} verdict\n`,
  );
}

export const failed = () => failures;

/**
 * CPU seconds a process has used so far (user + system, all its threads; Linux /proc), or NaN elsewhere. The
 * CPU a server spends per request holds on a busy machine, where rates and wall times swing with the load.
 */
export function cpuSeconds(pid: number | undefined, thread?: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/${thread === undefined ? '' : `task/${thread}/`}stat`, 'utf8');
    // The fields after the command name (which may hold spaces) in parentheses; utime and stime are 14 and 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds a process's main thread has used so far (Linux; NaN elsewhere): the event loop's share of
 * cpuSeconds. The rest is its other threads' (search and count workers, the scorer, V8's compiler and
 * collector, threads that have ended), which on a 2-core machine take the cores from the event loop.
 */
export const mainThreadCpuSeconds = (pid: number | undefined): number => cpuSeconds(pid, pid);

/**
 * CPU seconds used so far by the PostgreSQL server processes serving database `url` (its backends, from
 * pg_stat_activity; Linux /proc), by process id: a server's CPU per request on PostgreSQL is its own plus
 * these. Read with dbCpuSince; undefined for a SQLite file.
 */
export async function dbCpu(url: string): Promise<Map<number, number> | undefined> {
  if (!/^postgres(ql)?:/i.test(url)) return undefined;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
  } finally {
    await client.end();
  }
}

/**
 * The CPU seconds the backends of `url` used since `before` (see dbCpu): those there now, less what each had
 * then (nothing for one started since). A backend that ended meanwhile is missed, so the pool's clients must
 * stay connected through the measurement (they do while busy).
 */
export async function dbCpuSince(url: string, before: Map<number, number> | undefined): Promise<number> {
  const now = await dbCpu(url);
  if (!now || !before) return 0;
  let sum = 0;
  for (const [pid, s] of now) if (!Number.isNaN(s)) sum += s - (before.get(pid) ?? 0);
  return sum;
}

export const pct = (xs: number[], p: number): number => {
  // No answer at all within the measurement counts as slower than any goal.
  if (xs.length === 0) return Infinity;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export interface CannonResult {
  rps: number;
  /** The least and the greatest number of requests answered in one second of the run. */
  minRps: number;
  maxRps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  requests: number;
  bad: number;
}

/**
 * autocannon against `base`, each request's path drawn by `path()`. Latencies are taken per response so
 * that any percentile can be read (autocannon's own summary has no p95).
 */
export async function cannon(
  base: string,
  path: () => string,
  o: { connections: number; seconds: number; headers?: Record<string, string> },
): Promise<CannonResult> {
  const times: number[] = [];
  const instance = autocannon({
    url: base,
    connections: o.connections,
    duration: o.seconds,
    headers: o.headers ?? {},
    requests: [{ setupRequest: (req) => ({ ...req, path: path() }) }],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => times.push(ms));
  const result = await instance;
  return {
    rps: result.requests.average,
    minRps: result.requests.min,
    maxRps: result.requests.max,
    p50: pct(times, 50),
    p95: pct(times, 95),
    p99: pct(times, 99),
    // A fast endpoint gives hundreds of thousands of times: spread into Math.max, they overflow the stack.
    max: times.length === 0 ? Infinity : times.reduce((m, t) => (t > m ? t : m), 0),
    requests: times.length,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

/** Wait until the server answers a trivial request quickly: requests left over from a run are done. */
export async function settle(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const t = performance.now();
    await (await fetch(`${url}/healthz`)).text();
    if (performance.now() - t < 20) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Server {
  url: string;
  child: ChildProcess;
  /** The event loop's delay since the last call (ms): the longest and the 99th percentile. */
  loopDelay(): Promise<{ max: number; p99: number }>;
  stop(): Promise<void>;
}

/**
 * `hindsight serve` as a user starts it (default configuration, request logs on stdout, here to /dev/null),
 * with one preloaded module that samples the event loop's delay and reports it on SIGUSR2.
 */
export async function startServe(db: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}) {
  // Beside a SQLite file; for a PostgreSQL URL, in the temp folder.
  const eldFile = join(/^postgres(ql)?:/i.test(db) ? tmpdir() : dirname(db), `eld-${process.pid}.json`);
  const child = spawn(
    process.execPath,
    [
      // e.g. BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server under bench.
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      join(ROOT, 'bench/event-loop.probe.mjs'),
      BIN,
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      db,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env, ELD_FILE: eldFile } },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /serving on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  const server: Server = {
    url,
    child,
    loopDelay: () => readLoopDelay(child, eldFile),
    async stop() {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(eldFile, { force: true });
    },
  };
  return server;
}

/** Ask a process running event-loop.probe.mjs for its loop delay since the last ask (see Server.loopDelay). */
async function readLoopDelay(child: ChildProcess, eldFile: string): Promise<{ max: number; p99: number }> {
  rmSync(eldFile, { force: true });
  child.kill('SIGUSR2');
  // A process still busy with a backlog answers late; that lateness is itself the figure.
  for (let i = 0; i < 3000; i++) {
    await new Promise((r) => setTimeout(r, 20));
    try {
      return JSON.parse(readFileSync(eldFile, 'utf8')) as { max: number; p99: number };
    } catch {
      // not written yet
    }
  }
  throw new Error('the event-loop probe did not answer');
}

/**
 * The control for an event-loop figure: an idle Node process with the same probe. What its loop waits is the
 * machine's doing (other processes holding the cores), not the server's; on a shared machine that can be
 * tens of milliseconds, and the server's figure is read against it.
 */
export async function startIdleProbe(): Promise<{
  loopDelay(): Promise<{ max: number; p99: number }>;
  stop(): void;
}> {
  const eldFile = join(tmpdir(), `eld-idle-${process.pid}.json`);
  const child = spawn(
    process.execPath,
    [
      '--import',
      join(ROOT, 'bench/event-loop.probe.mjs'),
      '-e',
      'setInterval(() => {}, 1000); process.stdout.write("ready\\n")',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ELD_FILE: eldFile } },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`idle probe exited with ${code}`)));
  });
  return {
    loopDelay: () => readLoopDelay(child, eldFile),
    stop: () => {
      child.kill('SIGKILL');
      rmSync(eldFile, { force: true });
    },
  };
}

/** A bare Fastify server in its own process answering GET /b/:i with the i-th of the given bodies. */
export async function startBare(
  bodies: string[],
  encoding?: 'br' | 'gzip',
): Promise<{ url: string; pid: number | undefined; stop(): void }> {
  const args = ['--import', 'tsx', join(ROOT, 'bench/bare.server.ts'), ...(encoding ? [encoding] : [])];
  const child = spawn(process.execPath, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin!.end(JSON.stringify(bodies));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return { url, pid: child.pid, stop: () => child.kill('SIGKILL') };
}
