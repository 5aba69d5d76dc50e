// The background scorer (issue 17, post-mortem health): reports saved through the API get their quality score
// without any command, equal to the editor's score (POST /api/lint); a save while a report is being scored is
// never overwritten by the stale score; the kept tallies equal a rebuild afterwards; the app closes at once with
// the worker busy. On SQLite and, with HINDSIGHT_TEST_PG, on PostgreSQL.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../../domain/index.js';
import { lintReport, qualityScore, scoreReport } from '../../lint/index.js';
import { importForeignMarkdown } from '../../markdown/import/foreign.import.js';
import { rebuildKept } from '../../store/insight-kept.js';
import { DEFAULT_INTERNAL_NETWORK, DEFAULT_SEVERITY_SCALE } from '../../domain/index.js';
import { resumeForgetScores, scoreBasis, writeScore } from '../../store/index.js';
import type { Store } from '../../store/index.js';
import { actorOf } from '../services/access.js';
import { BackgroundScorer } from './background-scorer.js';
import { generateReport, prng, vocabulary } from '../../../bench/report.generator.js';
import { testDialects } from '../../../test/databases.js';
import { completeReport } from '../../../test/reports.js';
import { startTestServer, type TestClient, type TestServer } from '../../../test/server.js';

const corpusDir = join(import.meta.dirname, '../../lint/fixtures/eval/reports');
const corpus = (): Report[] =>
  readdirSync(corpusDir)
    .filter((f) => f.endsWith('.md') && f !== 'SOURCES.md')
    .sort()
    .map((f) => importForeignMarkdown(readFileSync(join(corpusDir, f), 'utf8')).report as Report);
const generated = (n: number): Report[] => {
  const vocab = vocabulary();
  const rnd = prng(42);
  return Array.from({ length: n }, (_, i) =>
    reportSchema.parse({ ...generateReport(i, vocab, rnd), state: 'draft' }),
  );
};

const scoreOf = async (store: Store, id: string): Promise<number | null> => {
  const row = await store.db
    .selectFrom('report_facts')
    .select('quality_score')
    .where('report_id', '=', id)
    .executeTakeFirstOrThrow();
  return row.quality_score === null ? null : Number(row.quality_score);
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const readKept = async (store: Store) =>
  (
    await sql<Record<string, unknown>>`select quarter, severity, figure, grp, n, lo, hi from insight_kept
      where n <> 0 order by quarter, severity, figure, grp`.execute(store.db)
  ).rows;

describe('the quality score without suggestions', () => {
  it('equals the editor score (lint and score) on the corpus and on generated reports', () => {
    const reports = [...corpus(), ...generated(4)];
    expect(reports.length).toBe(11);
    for (const r of reports) expect(qualityScore(r)).toBe(scoreReport(r, lintReport(r)).overall);
  }, 120_000);
});

describe.each(testDialects())('the background scorer on %s', (dialect) => {
  let s: TestServer;
  let editor: TestClient;

  beforeAll(async () => {
    s = await startTestServer(dialect, { qualityScorer: { pauseMs: 10, idleMs: 100 } });
    editor = await s.client('editor', 'Eda Editor');
  }, 60_000);
  afterAll(async () => s?.close());

  const create = async (report: object) => {
    const r = await editor.call({ method: 'POST', url: '/api/postmortems', payload: report });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; version: number; report: Report };
  };
  const editorScore = async (report: unknown) => {
    const r = await editor.call({ method: 'POST', url: '/api/lint', payload: { report } });
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as { score: { overall: number } }).score.overall;
  };

  it('scores a report saved through the API without any command, as the editor scores it', async () => {
    const store = s.db.store;
    const made = await create(completeReport({ title: 'Scored in the background' }));
    const corpusReport = await create({ ...corpus()[1]!, state: 'draft' });
    for (const m of [made, corpusReport]) {
      const score = await until('a score', async () => (await scoreOf(store, m.id)) ?? undefined);
      expect(score).toBe(await editorScore(m.report));
    }
    // An edit empties the score, and the scorer fills it again with the new content's score.
    const edited = { ...made.report, summary: { ...made.report.summary, impact: 'Some orders failed.' } };
    const r = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${made.id}`,
      payload: { version: made.version, report: edited },
    });
    expect(r.statusCode, r.body).toBe(200);
    const want = await editorScore(edited);
    expect(want).not.toBe(await editorScore(made.report));
    expect(
      await until('the new score', async () => ((await scoreOf(store, made.id)) === want ? want : undefined)),
    ).toBe(want);
    // The insights count it as scored, and the kept tallies equal a fresh computation.
    const insights = await editor.call({ method: 'GET', url: '/api/insights' });
    expect(insights.statusCode, insights.body).toBe(200);
    const kept = await readKept(store);
    await rebuildKept(store);
    expect(kept).toEqual(await readKept(store));
  }, 60_000);

  it('scores every report again when the severity scale changes, as the editor scores it under the new one', async () => {
    const store = s.db.store;
    const admin = await s.client('admin', 'Ada Admin');
    const made = await create(completeReport({ title: 'Scored again under a new scale' }));
    const before = await until('a score', async () => (await scoreOf(store, made.id)) ?? undefined);
    expect(before).toBe(await editorScore(made.report));
    const put = (severityScale: object) =>
      admin.call({ method: 'PUT', url: '/api/settings', payload: { severityScale } });
    // A scale without the report's level (SEV2): the editor now finds an unknown severity.
    const scale = {
      levels: [
        { id: 'P1', rank: 1, name: 'Major', definition: 'Most customers cannot work.' },
        { id: 'P2', rank: 2, name: 'Minor', definition: 'Some customers notice.' },
      ],
    };
    try {
      expect((await put(scale)).statusCode).toBe(200);
      const after = await editorScore(made.report);
      expect(after).not.toBe(before);
      expect(
        await until('the score under the new scale', async () =>
          (await scoreOf(store, made.id)) === after ? after : undefined,
        ),
      ).toBe(after);
      const kept = await readKept(store);
      await rebuildKept(store);
      expect(kept).toEqual(await readKept(store));
    } finally {
      expect((await put(DEFAULT_SEVERITY_SCALE)).statusCode).toBe(200);
    }
    // And back: the default scale's score again.
    await until('the score under the default scale', async () =>
      (await scoreOf(store, made.id)) === before ? before : undefined,
    );
  }, 60_000);

  it('never writes the score of a version saved over while it was being scored', async () => {
    const store = s.db.store;
    const first = completeReport({ title: 'Saved over while scored' });
    const second = { ...first, analysis: {} };
    const [scoreFirst, scoreSecond] = [await editorScore(first), await editorScore(second)];
    expect(scoreFirst).not.toBe(scoreSecond);
    const made = await s.app.services.reports.create(actorOf(editor.user, 'cli'), first);
    let saves = 0;
    // The settings are read after the report's row and before the lint: a save there lands mid-scoring.
    const scorer = new BackgroundScorer(
      store,
      async () => {
        if (saves === 0) {
          saves += 1;
          await s.app.services.reports.update(actorOf(editor.user, 'cli'), made.id, made.version, {
            ...made.report,
            ...second,
          } as Report);
        }
        return s.app.services.settings.get();
      },
      s.app.log,
      { pauseMs: 10, idleMs: 100 },
    );
    s.app.services.reports.onSaved((id) => scorer.noteSaved(id));
    try {
      // The app's own scorer may take it first; stop it from racing this one.
      await s.app.qualityScorer?.stop();
      await sql`update report_facts set quality_score = null, b_quality = null where report_id = ${made.id}`.execute(
        store.db,
      );
      await rebuildKept(store);
      scorer.noteSaved(made.id);
      scorer.start();
      const score = await until('a score', async () => (await scoreOf(store, made.id)) ?? undefined);
      expect(saves).toBe(1);
      expect(score).toBe(scoreSecond);
      const kept = await readKept(store);
      await rebuildKept(store);
      expect(kept).toEqual(await readKept(store));
    } finally {
      await scorer.stop();
    }
  }, 60_000);

  it('refuses a score linted under settings that changed before it was written', async () => {
    const store = s.db.store;
    // The app's scorer was stopped by the test before; this report stays unscored unless written here.
    await s.app.qualityScorer?.stop();
    const admin = await s.client('admin', 'Ada Admin 2');
    const made = await s.app.services.reports.create(actorOf(editor.user, 'cli'), completeReport());
    const basis = await scoreBasis(store.db);
    await s.app.services.settings.update(actorOf(admin.user, 'cli'), {
      internalNetwork: { ...DEFAULT_INTERNAL_NETWORK, domains: ['corp.example.com'] },
    });
    expect(await writeScore(store, made.id, made.version, 50, { basis })).toBe(false);
    expect(await scoreOf(store, made.id)).toBeNull();
    expect(await writeScore(store, made.id, made.version, 50, { basis: await scoreBasis(store.db) })).toBe(
      true,
    );
    expect(await scoreOf(store, made.id)).toBe(50);
  }, 60_000);
});

describe('the background scorer under load', () => {
  it('scores nothing while requests keep the event loop busy, and catches up after', async () => {
    const s = await startTestServer('sqlite', { qualityScorer: { pauseMs: 10, idleMs: 100 } });
    try {
      const editor = await s.client('editor', 'Eda Editor');
      // A first report scored while the server is idle: the worker is up and its linter warm.
      const first = await s.app.services.reports.create(actorOf(editor.user, 'cli'), completeReport());
      await until('a first score', async () => (await scoreOf(s.db.store, first.id)) ?? undefined);
      // The event loop busy about 90% of the time for 2.5 s, as under a stream of requests; the report is saved
      // and its score looked for in the gaps.
      let busy = true;
      const load = (async () => {
        const end = performance.now() + 2500;
        while (performance.now() < end) {
          const t = performance.now();
          while (performance.now() - t < 45) {
            // busy
          }
          await new Promise((r) => setTimeout(r, 5));
        }
        busy = false;
      })();
      await new Promise((r) => setTimeout(r, 400));
      const made = await s.app.services.reports.create(
        actorOf(editor.user, 'cli'),
        completeReport({ title: 'Saved under load' }),
      );
      let during: number | null = null;
      while (busy && during === null) {
        during = await scoreOf(s.db.store, made.id);
        await new Promise((r) => setTimeout(r, 20));
      }
      await load;
      expect(during).toBeNull();
      expect(s.app.qualityScorer?.scored).toBe(1);
      const score = await until('a score', async () => (await scoreOf(s.db.store, made.id)) ?? undefined);
      expect(score).toBe(qualityScore(made.report));
    } finally {
      await s.close();
    }
  }, 60_000);
});

/**
 * About 100 cheap requests a second over HTTP to `url` for `ms`; 400 ms in, a report is saved (`save`), and its
 * stored score is read every 20 ms while the requests go on. What was read last, whether the requests were still
 * going then, and the load itself (to await).
 */
async function scoreDuringLoad(
  s: Awaited<ReturnType<typeof startTestServer>>,
  url: string,
  ms: number,
  save: () => Promise<{ id: string; report: Parameters<typeof qualityScore>[0] }>,
) {
  let sending = true;
  const load = (async () => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await (await fetch(`${url}/healthz`)).text();
      await new Promise((r) => setTimeout(r, 10));
    }
    sending = false;
  })();
  await new Promise((r) => setTimeout(r, 400));
  const made = await save();
  let during: number | null = null;
  while (sending && during === null) {
    during = await scoreOf(s.db.store, made.id);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { made, during, stillSending: sending, load };
}

describe('the background scorer under a stream of light requests', () => {
  it('scores nothing while requests arrive faster than maxRequestRate, though the event loop is mostly idle', async () => {
    const s = await startTestServer('sqlite', { qualityScorer: { pauseMs: 10, idleMs: 100 } });
    try {
      const editor = await s.client('editor', 'Eda Editor');
      const first = await s.app.services.reports.create(actorOf(editor.user, 'cli'), completeReport());
      await until('a first score', async () => (await scoreOf(s.db.store, first.id)) ?? undefined);
      const url = await s.app.listen({ port: 0, host: '127.0.0.1' });
      // About 100 requests a second over HTTP for 2.5 s, each cheap: the loop stays far below half busy.
      const { made, during, load } = await scoreDuringLoad(s, url, 2500, async () =>
        s.app.services.reports.create(
          actorOf(editor.user, 'cli'),
          completeReport({ title: 'Saved among requests' }),
        ),
      );
      await load;
      expect(during).toBeNull();
      const score = await until('a score', async () => (await scoreOf(s.db.store, made.id)) ?? undefined);
      expect(score).toBe(qualityScore(made.report));
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe('the background scorer under steady requests past maxWaitMs', () => {
  it('scores a report all the same once it has waited maxWaitMs for a quiet moment', async () => {
    const s = await startTestServer('sqlite', {
      qualityScorer: { pauseMs: 10, idleMs: 100, maxWaitMs: 500 },
    });
    try {
      const editor = await s.client('editor', 'Eda Editor');
      const first = await s.app.services.reports.create(actorOf(editor.user, 'cli'), completeReport());
      await until('a first score', async () => (await scoreOf(s.db.store, first.id)) ?? undefined);
      const url = await s.app.listen({ port: 0, host: '127.0.0.1' });
      // About 100 requests a second for 6 s: past maxRequestRate the whole time.
      const { made, during, stillSending, load } = await scoreDuringLoad(s, url, 6000, async () =>
        s.app.services.reports.create(
          actorOf(editor.user, 'cli'),
          completeReport({ title: 'Saved among steady requests' }),
        ),
      );
      await load;
      expect(during).toBe(qualityScore(made.report));
      expect(stillSending).toBe(true);
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe('the background scorer after start-up', () => {
  it('waits startDelayMs before its thread starts and the first report is scored, then scores it', async () => {
    const s = await startTestServer('sqlite', {
      qualityScorer: { pauseMs: 10, idleMs: 100, startDelayMs: 1500 },
    });
    try {
      const editor = await s.client('editor', 'Eda Editor');
      const made = await s.app.services.reports.create(actorOf(editor.user, 'cli'), completeReport());
      const started = performance.now();
      // Well inside the delay: no thread, no score (without the delay the thread starts at once).
      await new Promise((r) => setTimeout(r, 600));
      expect(s.app.qualityScorer?.threadStarted).toBe(false);
      expect(await scoreOf(s.db.store, made.id)).toBeNull();
      const score = await until('a score', async () => (await scoreOf(s.db.store, made.id)) ?? undefined);
      expect(performance.now() - started).toBeGreaterThan(800);
      expect(score).toBe(qualityScore(made.report));
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe.each(testDialects())('closing with the scorer busy on %s', (dialect) => {
  it('stops the worker in the middle of a long lint', async () => {
    const s = await startTestServer(dialect, { qualityScorer: { pauseMs: 10 } });
    let closed = false;
    try {
      const rnd = prng(3);
      const word = () =>
        Array.from({ length: 7 }, () => String.fromCharCode(97 + Math.floor(rnd() * 26))).join('');
      const para = () =>
        Array.from({ length: 12_000 }, (_, i) => (i % 12 === 11 ? `${word()}.` : word())).join(' ');
      // About 36,000 unknown words: seconds of linting.
      const big = completeReport({
        analysis: { primaryCause: para(), causalChain: para() },
        impact: { operational: para() },
      });
      const editor = await s.client('editor', 'Eda Editor');
      const r = await editor.call({ method: 'POST', url: '/api/postmortems', payload: big });
      expect(r.statusCode, r.body).toBe(201);
      await until('the worker to be busy', async () => (s.app.qualityScorer?.busy ? true : undefined));
      const t0 = performance.now();
      await s.app.close();
      expect(performance.now() - t0).toBeLessThan(1500);
      expect(s.app.qualityScorer?.busy).toBe(false);
      closed = true;
      await s.close();
    } finally {
      if (!closed) await s.close();
    }
  }, 60_000);
});

// A stop while the scores of changed settings are being emptied ends the walk at its next chunk (a walk over
// 100,000 reports takes seconds); the next start goes on with it (resumeForgetScores).
describe.each(testDialects())('closing while scores are emptied on %s', (dialect) => {
  it('stops the walk at a chunk and leaves the rest to the next start', async () => {
    const s = await startTestServer(dialect);
    try {
      const store = s.db.store;
      const editor = await s.client('editor', 'Eda Editor');
      const admin = await s.client('admin', 'Ada Admin');
      await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          s.app.services.reports.create(
            actorOf(editor.user, 'cli'),
            completeReport({ title: `Walked ${i}` }),
          ),
        ),
      );
      await sql`update report_facts set quality_score = 50, b_quality = 5`.execute(store.db);
      await s.app.services.settings.update(actorOf(admin.user, 'cli'), {
        internalNetwork: { ...DEFAULT_INTERNAL_NETWORK, domains: ['walk.example.com'] },
      });
      await s.app.close();
      const left = await resumeForgetScores(store);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(400);
    } finally {
      await s.close();
    }
  }, 60_000);
});

// While a backlog is scored, the insights' generation moves with the first score and then at most every
// bumpEveryMs, and at once when nothing is left: kept insights are not thrown away after every report, and the
// figures still count every score once the scorer is done.
describe.each(testDialects())('the scorer and the kept insights on %s', (dialect) => {
  let s: TestServer;
  let editor: TestClient;
  beforeAll(async () => {
    s = await startTestServer(dialect); // no scorer of its own: the test runs one
    editor = await s.client('editor', 'Eda Editor');
  }, 60_000);
  afterAll(async () => s?.close());

  const generation = async () =>
    Number(
      (await sql<{ n: number }>`select sum(n) as n from insight_generation`.execute(s.db.store.db)).rows[0]!
        .n,
    );
  const scoredCount = async () => {
    const r = await editor.call({ method: 'GET', url: '/api/insights' });
    expect(r.statusCode, r.body).toBe(200);
    const rows = (r.json() as { health: { scored: { group: string; count: number }[] } }).health.scored;
    return rows.find((row) => row.group === 'scored')?.count ?? 0;
  };

  it('moves the generation once for a burst of scores, and the figures count them all when it is done', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: completeReport({ title: `Backlog ${i}` }),
      });
      expect(r.statusCode, r.body).toBe(201);
      ids.push((r.json() as { id: string }).id);
    }
    expect(await scoredCount()).toBe(0); // computed now, and kept
    const before = await generation();
    const scorer = new BackgroundScorer(s.db.store, () => s.app.services.settings.get(), s.app.log, {
      pauseMs: 300,
      idleMs: 60_000,
      bumpEveryMs: 60_000,
    });
    scorer.start();
    try {
      // Insights asked for mid-way are kept with the first scores only (the later ones do not move the generation).
      await until('a first score', async () =>
        (await Promise.all(ids.map((id) => scoreOf(s.db.store, id)))).some((v) => v !== null)
          ? true
          : undefined,
      );
      expect(await scoredCount()).toBeLessThan(5);
      await until('every score', async () =>
        (await Promise.all(ids.map((id) => scoreOf(s.db.store, id)))).every((v) => v !== null)
          ? true
          : undefined,
      );
      // Nothing left to score: the generation moves, and the kept insights are computed afresh.
      expect(
        await until('the figures', async () => ((await scoredCount()) === 5 ? 5 : undefined), 5_000),
      ).toBe(5);
      const moves = (await generation()) - before;
      expect(moves).toBeGreaterThanOrEqual(1);
      expect(moves).toBeLessThanOrEqual(2); // the first score and the end, not one a report
    } finally {
      await scorer.stop();
    }
  }, 60_000);
});
