// The editor's lint under load, the way users meet it (issue 19, item 2: no request holds the event loop over
// 50 ms): `hindsight serve` (default configuration) on a fresh SQLite file with one report; 10 clients each
// POST /api/lint for a large report (its narrative the prose of 40 generated reports: a 12 KB request, a 62 KB
// reply, as an editor sends it 600 ms after typing stops)
// one after another while 10 connections read that report (autocannon). Printed: the reads' rate alone and under
// the lints (goal: at least 50% of alone), the server's longest event-loop delay under the lints (goal ≤ 50 ms;
// an idle Node process's over the same seconds beside it: the machine's share), lints answered and refused (503).
// BENCH_LINT_OLD_BIN (another build's bin/hindsight.js, e.g. a copy of main's) runs the same figures on that
// build in the same run, for before/after.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/server/app.js';
import { actorOf } from '../src/server/services/access.js';
import { migrateToLatest, openStore } from '../src/store/index.js';
import { generate } from './lint.reports.js';
import { cannon, header, pct, row, settle, startIdleProbe, startServe, type Server } from './harness.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LINTERS = 10;
const dir = mkdtempSync(join(tmpdir(), 'hindsight-lint-load-'));

/** A large report: a generated one whose narrative holds 40 generated reports' prose. */
function bigReport() {
  const r = generate(1);
  const prose = Array.from({ length: 40 }, (_, i) => {
    const g = generate(100 + i);
    return [g.summary.whatHappened, g.analysis.primaryCause, g.analysis.notes]
      .filter((t) => t && t.trim() !== '')
      .map((t) => t!.trim())
      .join(' ');
  }).join('\n\n');
  r.summary.whatHappened = prose;
  return r;
}

async function prepare(db: string): Promise<{ token: string; id: string }> {
  const store = openStore(db);
  await migrateToLatest(store);
  const app = await buildApp({ db: store, logger: false });
  const u = await app.services.users.create(null, { email: 'e@bench.test', name: 'Bench', role: 'editor' });
  const { token } = await app.services.auth.createToken(actorOf(u, 'cli'), 'bench');
  const stored = await app.services.reports.create(actorOf(u, 'cli'), { ...bigReport(), id: 'pm-big' });
  await app.close();
  return { token, id: stored.id };
}

async function measure(label: string, db: string, token: string, id: string) {
  const s: Server = await startServe(db, [], { HINDSIGHT_SCORER: '0' });
  const headers = { authorization: `Bearer ${token}` };
  const body = JSON.stringify({ report: bigReport() });
  try {
    // A first lint loads the dictionaries (on whichever thread lints).
    const first = await fetch(`${s.url}/api/lint`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
    const bytes = (await first.text()).length;
    await settle(s.url);
    const alone = await cannon(s.url, () => `/api/postmortems/${id}`, {
      connections: 10,
      seconds: SECONDS,
      headers,
    });
    await settle(s.url);
    const idle = await startIdleProbe();
    await s.loopDelay();
    await idle.loopDelay();
    let stop = false;
    const lints = { ok: 0, busy: 0, other: 0, ms: [] as number[] };
    const linter = async () => {
      while (!stop) {
        const t = performance.now();
        const r = await fetch(`${s.url}/api/lint`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        });
        await r.arrayBuffer();
        if (r.status === 200) lints.ok += 1;
        else if (r.status === 503) {
          lints.busy += 1;
          // As the editor does: wait as told before trying again.
          await new Promise((w) => setTimeout(w, Number(r.headers.get('retry-after') ?? 1) * 1000));
        } else lints.other += 1;
        lints.ms.push(performance.now() - t);
      }
    };
    const running = Array.from({ length: LINTERS }, linter);
    const mixed = await cannon(s.url, () => `/api/postmortems/${id}`, {
      connections: 10,
      seconds: SECONDS,
      headers,
    });
    const delay = await s.loopDelay();
    const machine = await idle.loopDelay();
    stop = true;
    await Promise.all(running);
    idle.stop();
    const share = mixed.rps / alone.rps;
    row(`${label}: reads/s alone`, alone.rps.toFixed(0), '', `p99 ${alone.p99.toFixed(0)} ms`);
    row(
      `${label}: reads/s while ${LINTERS} clients lint`,
      mixed.rps.toFixed(0),
      '≥ 50% of alone',
      `${(share * 100).toFixed(0)}%, p99 ${mixed.p99.toFixed(0)} ms`,
      share >= 0.5,
    );
    row(
      `${label}: longest event-loop delay, ms`,
      delay.max.toFixed(0),
      '≤ 50',
      `idle process ${machine.max.toFixed(0)} ms; p99 ${delay.p99.toFixed(0)} ms`,
      delay.max <= 50,
    );
    row(
      `${label}: lints answered / refused 503 / other`,
      `${lints.ok} / ${lints.busy} / ${lints.other}`,
      '',
      `median ${pct(lints.ms, 50).toFixed(0)} ms; reply ${(bytes / 1024).toFixed(0)} KB, request ${(body.length / 1024).toFixed(0)} KB`,
    );
  } finally {
    await s.stop();
  }
}

try {
  const db = join(dir, 'lint.db');
  const { token, id } = await prepare(db);
  const old = process.env.BENCH_LINT_OLD_BIN;
  if (process.env.LINT_LOAD_AS === 'old') {
    await measure('BENCH_LINT_OLD_BIN', db, token, id);
  } else {
    header(
      `POST /api/lint under load: ${LINTERS} clients lint a large report while 10 connections read (${SECONDS} s)`,
    );
    await measure('this build', db, token, id);
    // The other build in a process of its own (harness.ts reads BENCH_BIN once), right after, same machine.
    if (old)
      spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
        stdio: 'inherit',
        env: { ...process.env, BENCH_BIN: old, LINT_LOAD_AS: 'old' },
      });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
