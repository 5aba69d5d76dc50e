// The server the way users meet it: `hindsight serve` with its default configuration (request logs on) on
// the cached 100,000-report SQLite database (bench/dataset.ts), driven over HTTP by autocannon. Each read
// endpoint is judged against a bare Fastify server sending the same bytes for the same requests, in the same
// run. Throughput is taken at 50 connections; latency (p95) at 1 connection, the wait one person meets.
// BENCH_SECONDS sets each measurement's length (default 5); BENCH_REPORTS the dataset size; BENCH_ONLY (words
// separated by commas) runs only the figures whose name holds one of them ("search", "mixed", "creates").
import { Agent, request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { dataset } from './dataset.js';
import {
  cannon,
  cpuSeconds,
  dbCpu,
  dbCpuSince,
  failed,
  header,
  mainThreadCpuSeconds,
  row,
  settle,
  startBare,
  startIdleProbe,
  startServe,
  type Server,
} from './harness.js';
import { generateQuery, generateReport, prng, vocabulary, COMMON_WORD } from './report.generator.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// Before each endpoint is measured, it (and bare) is driven this long at the same concurrency: a server just
// started runs its request path in V8's interpreter and compiles it meanwhile (measured: ten times the CPU per
// request of a warm one in its first seconds). What the warm-up found is printed: its slowest and fastest second
// and its CPU per request, against the measurement's.
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 3);
const CONNECTIONS = 50;

const d = await dataset();
const rnd = prng(1);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const vocab = vocabulary();
const reader = { authorization: `Bearer ${d.tokens.viewer}` };
const writer = { authorization: `Bearer ${d.tokens.editor}`, 'content-type': 'application/json' };
// Every 20th report is restricted to its members; the viewer reads the others.
const visible = d.ids.filter((_, i) => i % 20 !== 0);

const dbUrl = process.env.BENCH_DB ?? d.db;
const onPostgres = /^postgres(ql)?:/i.test(dbUrl);
header(
  `HTTP, hindsight serve on ${d.reports} reports (${onPostgres ? 'PostgreSQL' : 'SQLite'}), ${SECONDS} s per figure`,
);
row('dataset load (once, kept in bench/.cache)', `${d.loadSeconds.toFixed(0)} s`);
const t0 = performance.now();
// BENCH_DB runs on a copy (e.g. one an earlier build can still open, before this build migrates it).
const server = await startServe(dbUrl);
row('serve start-up (open, migrate, listen)', `${((performance.now() - t0) / 1000).toFixed(1)} s`);

const get = async (path: string, headers = reader) => {
  const r = await fetch(server.url + path, { headers });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${text.slice(0, 200)}`);
  return text;
};

interface Goal {
  /** Real rate at least this share of the bare server's. */
  ratio?: number;
  p95?: number;
  rps?: number;
}

const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const wanted = (name: string) => !only || only.some((w) => name.includes(w));

/** What a browser sends (Chrome's): the server answers it in brotli. */
const BROWSER = { ...reader, 'accept-encoding': 'gzip, deflate, br, zstd' };

/**
 * One endpoint: its rate at 50 connections against bare, and its p95 at one connection. With `compressed`, asked as a
 * browser asks (BROWSER), against a bare server sending the same brotli bytes compressed once at its start.
 */
async function endpoint(name: string, paths: string[], goal: Goal, compressed = false) {
  if (!wanted(name)) return undefined;
  const headers = compressed ? BROWSER : reader;
  const bodies: string[] = [];
  for (const p of paths) bodies.push(await get(p));
  if (compressed) {
    const r = await fetch(server.url + paths[0], { headers });
    await r.arrayBuffer();
    if (r.headers.get('content-encoding') !== 'br') throw new Error(`${paths[0]}: not answered in brotli`);
  }
  const bare = await startBare(bodies, compressed ? 'br' : undefined);
  try {
    const n = () => Math.floor(rnd() * paths.length);
    await settle(server.url);
    let cpu = cpuSeconds(server.child.pid);
    if (WARM_SECONDS > 0) {
      const warm = await cannon(server.url, () => paths[n()]!, {
        connections: CONNECTIONS,
        seconds: WARM_SECONDS,
        headers,
      });
      const warmCpu = (cpuSeconds(server.child.pid) - cpu) / warm.requests;
      await cannon(bare.url, () => `/b/${n()}`, { connections: CONNECTIONS, seconds: WARM_SECONDS });
      row(
        `${name}: warm-up ${WARM_SECONDS} s, req/s`,
        `${warm.minRps.toFixed(0)}–${warm.maxRps.toFixed(0)}`,
        '',
        `slowest–fastest s; ${(warmCpu * 1000).toFixed(2)} CPU ms/req`,
      );
      await settle(server.url);
      cpu = cpuSeconds(server.child.pid);
    }
    const main0 = mainThreadCpuSeconds(server.child.pid);
    const db0 = await dbCpu(dbUrl);
    const real = await cannon(server.url, () => paths[n()]!, {
      connections: CONNECTIONS,
      seconds: SECONDS,
      headers,
    });
    const realCpu = (cpuSeconds(server.child.pid) - cpu) / real.requests;
    const mainCpu = (mainThreadCpuSeconds(server.child.pid) - main0) / real.requests;
    const pgCpu = (await dbCpuSince(dbUrl, db0)) / real.requests;
    cpu = cpuSeconds(bare.pid);
    const base = await cannon(bare.url, () => `/b/${n()}`, { connections: CONNECTIONS, seconds: SECONDS });
    const bareCpu = (cpuSeconds(bare.pid) - cpu) / base.requests;
    await settle(server.url);
    const solo = await cannon(server.url, () => paths[n()]!, {
      connections: 1,
      seconds: SECONDS,
      headers,
    });
    if (real.bad + solo.bad > 0) row(`${name}: failed requests`, String(real.bad + solo.bad), '0', '', false);
    // Informative, and steady on a busy machine: the server's CPU per request against bare's.
    row(
      `${name}: server CPU ms per request`,
      (realCpu * 1000).toFixed(2),
      '',
      `bare ${(bareCpu * 1000).toFixed(2)}; event loop ${(mainCpu * 1000).toFixed(2)}${onPostgres ? `; PostgreSQL ${(pgCpu * 1000).toFixed(2)}` : ''}`,
    );
    const kb = bodies.reduce((a, b) => a + b.length, 0) / bodies.length / 1024;
    const ratio = real.rps / base.rps;
    row(
      `${name}: req/s at ${CONNECTIONS} conn.`,
      real.rps.toFixed(0),
      goal.rps ? `≥ ${goal.rps}` : goal.ratio ? `≥ ${goal.ratio * 100}% of bare` : '',
      `bare ${base.rps.toFixed(0)} (${(ratio * 100).toFixed(0)}%), ${kb.toFixed(1)} KB`,
      goal.rps ? real.rps >= goal.rps : goal.ratio ? ratio >= goal.ratio : undefined,
    );
    row(
      `${name}: p95 ms, 1 conn.`,
      solo.p95.toFixed(1),
      goal.p95 ? `≤ ${goal.p95}` : '',
      `p50 ${solo.p50.toFixed(1)}, max ${solo.max.toFixed(0)}`,
      goal.p95 ? solo.p95 <= goal.p95 : undefined,
    );
    return real;
  } finally {
    bare.stop();
  }
}

async function reads(s: Server) {
  const ids = Array.from({ length: 300 }, () => pick(visible));
  const one = await endpoint(
    'one report',
    ids.map((id) => `/api/postmortems/${id}`),
    { ratio: 0.5 },
  );
  await endpoint(
    'one report, as a browser asks (brotli)',
    ids.map((id) => `/api/postmortems/${id}`),
    { ratio: 0.5 },
    true,
  );

  const lists = [
    ...Array.from({ length: 10 }, (_, k) => `/api/postmortems?limit=50&offset=${50 * k}`),
    '/api/postmortems?limit=50&state=published',
    '/api/postmortems?limit=50&state=draft',
    '/api/postmortems?limit=50&kind=outage',
    '/api/postmortems?limit=50&severity=SEV2',
    `/api/postmortems?limit=50&person=${encodeURIComponent('Team Atlas')}`,
    `/api/postmortems?limit=50&tag=${vocab[3]}`,
  ];
  await endpoint('list (archive pages, filters)', lists, { p95: 20, rps: 1000 });
  await endpoint('list, as a browser asks (brotli)', lists, { p95: 20, rps: 1000 }, true);

  // Many different queries (one or two words, now and then with a function word), so that no kept answer or
  // total can carry the figure: in one measurement most are asked once or twice.
  const varied = Array.from(
    { length: 1000 },
    () => `/api/search?q=${encodeURIComponent(generateQuery(rnd, vocab))}&limit=50`,
  );
  await endpoint('search, 1,000 varied queries', varied, { p95: 20, rps: 1000 });
  await endpoint('search, varied, as a browser asks (brotli)', varied, { p95: 20, rps: 1000 }, true);
  await endpoint(`search "${COMMON_WORD}" (95% of reports)`, [`/api/search?q=${COMMON_WORD}&limit=50`], {
    p95: 20,
    rps: 1000,
  });
  await endpoint(
    'search "draft" (the state of 95%; a filter, not in the search text)',
    ['/api/search?q=draft&limit=50'],
    {
      p95: 20,
      rps: 1000,
    },
  );

  const items = [
    '/api/action-items?limit=200',
    '/api/action-items?limit=200&status=open',
    '/api/action-items?limit=200&overdue=true',
    ...d.owners.map((o) => `/api/action-items?limit=200&owner=${encodeURIComponent(o)}`),
  ];
  await endpoint('action items (tracker, home)', items, { p95: 50, rps: 1000 });
  await endpoint('action items, as a browser asks (brotli)', items, { p95: 50, rps: 1000 }, true);
  if (one && wanted('mixed')) await mixed(s, ids, one.rps);
}

/** One client pages through every action item while the others read reports. */
async function mixed(s: Server, ids: string[], soloRps: number) {
  await settle(s.url);
  let paging = true;
  let pages = 0;
  let slowest = 0;
  const pager = (async () => {
    let path: string | undefined = '/api/action-items?limit=200';
    let offset = 0;
    while (paging) {
      const t = performance.now();
      const body = JSON.parse(await get(path ?? '/api/action-items?limit=200')) as {
        items: unknown[];
        next?: string | null;
      };
      slowest = Math.max(slowest, performance.now() - t);
      pages += 1;
      offset += 200;
      if (body.items.length < 200) offset = 0;
      path =
        body.next !== undefined
          ? body.next
            ? `/api/action-items?limit=200&cursor=${encodeURIComponent(body.next)}`
            : undefined
          : `/api/action-items?limit=200&offset=${offset}`;
    }
  })();
  const idle = await startIdleProbe();
  await s.loopDelay();
  await idle.loopDelay();
  const under = await cannon(s.url, () => `/api/postmortems/${pick(ids)}`, {
    connections: CONNECTIONS - 1,
    seconds: SECONDS,
    headers: reader,
  });
  const delay = await s.loopDelay();
  const machine = await idle.loopDelay();
  idle.stop();
  paging = false;
  await pager;
  const share = under.rps / soloRps;
  row(
    'mixed: reads/s while one client pages items',
    under.rps.toFixed(0),
    '≥ 50% of solo',
    `solo ${soloRps.toFixed(0)} (${(share * 100).toFixed(0)}%), p99 ${under.p99.toFixed(0)} ms`,
    share >= 0.5,
  );
  row('mixed: action-item pages fetched', String(pages), '', `slowest ${slowest.toFixed(0)} ms`);
  row(
    'mixed: longest event-loop delay, ms',
    delay.max.toFixed(0),
    '≤ 50',
    `p99 ${delay.p99.toFixed(0)} ms; idle process ${machine.max.toFixed(0)} (p99 ${machine.p99.toFixed(0)})`,
    delay.max <= 50,
  );
}

/**
 * One request of the writing clients, its reply's body read whole and decoded as text. On node:http with a
 * keep-alive agent, asking for compressed replies as fetch does over http ("gzip, deflate"), so the server does
 * the same work, while the client, on the same two cores, costs less: fetch's streams took the bench's process
 * 1.2-2.3 CPU ms a save (its decompression alone about a fifth of that), as much as the server's save itself.
 */
function send(agent: Agent, method: 'POST' | 'PUT', path: string, body: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(
      server.url + path,
      {
        method,
        agent,
        headers: { ...writer, 'accept-encoding': 'gzip, deflate', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          // The server answers gzip or nothing to this Accept-Encoding; anything else is a fault to see.
          const encoding = res.headers['content-encoding'];
          if (encoding !== undefined && encoding !== 'gzip')
            return reject(new Error(`${method} ${path}: answered in ${encoding}, not asked for`));
          const raw = Buffer.concat(chunks);
          try {
            const text = (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
            resolve({ status: res.statusCode ?? 0, text });
          } catch (error) {
            reject(error as Error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Creates, then updates, from 20 clients at once over HTTP; every acknowledged save must be there. */
async function writes() {
  await settle(server.url);
  const CLIENTS = 20;
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  // The bench's own CPU a save (the clients'), printed beside the server's: both share the machine's cores.
  let own = process.cpuUsage();
  const ownMs = (saves: number) => {
    const u = process.cpuUsage(own);
    return ((u.user + u.system) / 1000 / saves).toFixed(1);
  };
  const vocabW = vocabulary();
  const wr = prng(99);
  const created: string[][] = Array.from({ length: CLIENTS }, () => []);
  // A report saved at `version` (an update or an edit): the reply, the report as stored.
  const put = async (what: string, id: string, version: number, report: unknown): Promise<unknown> => {
    const r = await send(agent, 'PUT', `/api/postmortems/${id}`, JSON.stringify({ version, report }));
    if (r.status !== 200) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
    return JSON.parse(r.text);
  };
  const post = async (into: string[], i: number) => {
    const r = await send(
      agent,
      'POST',
      '/api/postmortems',
      JSON.stringify(generateReport(1_000_000 + i, vocabW, wr)),
    );
    if (r.status !== 201) throw new Error(`create: ${r.status} ${r.text.slice(0, 300)}`);
    into.push((JSON.parse(r.text) as { id: string }).id);
  };
  let next = 0;
  let stop: number;
  let t: number;
  let cpu: number;
  // Warmed up as every read is: creates for WARM_SECONDS first (the save path, which updates and edits share,
  // compiled meanwhile), not counted and not used by the updates and edits.
  if (WARM_SECONDS > 0) {
    const warmed: string[] = [];
    stop = performance.now() + WARM_SECONDS * 1000;
    t = performance.now();
    cpu = cpuSeconds(server.child.pid);
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < stop) await post(warmed, next++);
      }),
    );
    row(
      `creates: warm-up ${WARM_SECONDS} s, saves/s`,
      (warmed.length / ((performance.now() - t) / 1000)).toFixed(0),
      '',
      `${(((cpuSeconds(server.child.pid) - cpu) / warmed.length) * 1000).toFixed(1)} CPU ms each`,
    );
    await settle(server.url);
  }
  stop = performance.now() + SECONDS * 1000;
  t = performance.now();
  cpu = cpuSeconds(server.child.pid);
  let db0 = await dbCpu(dbUrl);
  own = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (performance.now() < stop) await post(created[c]!, next++);
    }),
  );
  const creates = created.flat();
  const createClient = ownMs(creates.length);
  const createRate = creates.length / ((performance.now() - t) / 1000);
  const createCpu = (cpuSeconds(server.child.pid) - cpu) / creates.length;
  const createDbCpu = (await dbCpuSince(dbUrl, db0)) / creates.length;
  let missing = 0;
  for (const id of creates.filter((_, i) => i % 10 === 0)) {
    const r = await fetch(`${server.url}/api/postmortems/${id}`, { headers: writer });
    await r.text();
    if (r.status !== 200) missing += 1;
  }
  row(
    `creates/s over HTTP, ${CLIENTS} clients`,
    createRate.toFixed(0),
    '≥ 500',
    `${creates.length} made, ${missing} of a tenth lost, ${(createCpu * 1000).toFixed(1)} CPU ms each${onPostgres ? ` (+${(createDbCpu * 1000).toFixed(1)} PostgreSQL)` : ''}, clients ${createClient}`,
    createRate >= 500 && missing === 0,
  );

  // Each client edits its own first report again and again, with the version each reply gives.
  let updates = 0;
  const expected = new Map<string, number>();
  stop = performance.now() + SECONDS * 1000;
  t = performance.now();
  cpu = cpuSeconds(server.child.pid);
  db0 = await dbCpu(dbUrl);
  own = process.cpuUsage();
  await Promise.all(
    created.map(async (mine, c) => {
      const id = mine[0]!;
      let current = JSON.parse(await get(`/api/postmortems/${id}`, writer)) as {
        version: number;
        report: Record<string, unknown>;
      };
      let k = 0;
      while (performance.now() < stop) {
        const report = { ...generateReport(2_000_000 + c * 10_000 + k++, vocabW, wr), id };
        current = (await put('update', id, current.version, report)) as typeof current;
        updates += 1;
      }
      expected.set(id, current.version);
    }),
  );
  const updateClient = ownMs(updates);
  const updateRate = updates / ((performance.now() - t) / 1000);
  const updateCpu = (cpuSeconds(server.child.pid) - cpu) / updates;
  const updateDbCpu = (await dbCpuSince(dbUrl, db0)) / updates;
  let lost = 0;
  for (const [id, version] of expected) {
    const now = JSON.parse(await get(`/api/postmortems/${id}`, writer)) as { version: number };
    if (now.version !== version) lost += 1;
  }
  row(
    `updates/s over HTTP, ${CLIENTS} clients`,
    updateRate.toFixed(0),
    '≥ 500',
    `${updates} made, ${lost} behind, ${(updateCpu * 1000).toFixed(1)} CPU ms each${onPostgres ? ` (+${(updateDbCpu * 1000).toFixed(1)} PostgreSQL)` : ''}, clients ${updateClient}`,
    updateRate >= 500 && lost === 0,
  );

  // Edits as people make them: the same report with one thing changed (its title), not a different report.
  let edits = 0;
  const edited = new Map<string, number>();
  stop = performance.now() + SECONDS * 1000;
  t = performance.now();
  cpu = cpuSeconds(server.child.pid);
  db0 = await dbCpu(dbUrl);
  own = process.cpuUsage();
  await Promise.all(
    created.map(async (mine) => {
      const id = mine[1] ?? mine[0]!;
      let current = JSON.parse(await get(`/api/postmortems/${id}`, writer)) as {
        version: number;
        report: Record<string, unknown> & { title: string };
      };
      const title = current.report.title;
      while (performance.now() < stop) {
        const report = { ...current.report, title: `${title} (edit ${edits})` };
        current = (await put('edit', id, current.version, report)) as typeof current;
        edits += 1;
      }
      edited.set(id, current.version);
    }),
  );
  const editClient = ownMs(edits);
  const editRate = edits / ((performance.now() - t) / 1000);
  const editCpu = (cpuSeconds(server.child.pid) - cpu) / edits;
  const editDbCpu = (await dbCpuSince(dbUrl, db0)) / edits;
  let behind = 0;
  for (const [id, version] of edited) {
    const now = JSON.parse(await get(`/api/postmortems/${id}`, writer)) as { version: number };
    if (now.version !== version) behind += 1;
  }
  row(
    `edits/s over HTTP (title changed), ${CLIENTS} clients`,
    editRate.toFixed(0),
    '≥ 500',
    `${edits} made, ${behind} behind, ${(editCpu * 1000).toFixed(1)} CPU ms each${onPostgres ? ` (+${(editDbCpu * 1000).toFixed(1)} PostgreSQL)` : ''}, clients ${editClient}`,
    editRate >= 500 && behind === 0,
  );
  agent.destroy();
}

try {
  await reads(server);
  if (wanted('creates') || wanted('updates') || wanted('edits')) await writes();
} finally {
  await server.stop();
}
process.stdout.write(`\n${failed()} figure(s) below goal\n`);
process.exitCode = failed() === 0 ? 0 : 1;
