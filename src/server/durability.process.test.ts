// Durability under sudden death: concurrent clients write through the API while the server process is killed
// with SIGKILL at random moments and started again; every write the server acknowledged must be there.
// Bounded to about 35 s here; HINDSIGHT_DURABILITY_MS=600000 (for example) runs longer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killed, serveProcess } from '../../test/serve-process.js';
import { migrateToLatest, openStore } from '../store/index.js';
import { actorOf } from './services/access.js';
import { createServices } from './services/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-durability-'));
const db = join(dir, 'hindsight.db');
const DURATION = Number(process.env.HINDSIGHT_DURABILITY_MS ?? 35_000);
const CLIENTS = 4;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const serve = () => serveProcess(db);

describe('durability', () => {
  it(
    'keeps every acknowledged write across SIGKILLs at random moments',
    async () => {
      // An account and a token, made directly in the database before the server first starts.
      const store = openStore(db);
      await migrateToLatest(store);
      const services = createServices(store);
      const user = await services.users.create(null, {
        email: 'w@example.test',
        name: 'Writer',
        role: 'editor',
      });
      const { token } = await services.auth.createToken(actorOf(user, 'cli'), 'durability');
      await store.close();
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

      /** id → the title and version the server last acknowledged. */
      const acknowledged = new Map<string, { title: string; version: number }>();
      let server = await serve();
      let kills = 0;
      let attempts = 0;
      // Writers run until the killer is done: at least MIN_KILLS kills and DURATION, however slow a restart
      // is on a loaded machine (bounded by three times DURATION).
      const MIN_KILLS = 5;
      const end = Date.now() + DURATION;
      const cap = Date.now() + 3 * DURATION;
      let done = false;

      const client = async (n: number) => {
        let i = 0;
        while (!done) {
          i += 1;
          attempts += 1;
          const title = `Client ${n} write ${i}`;
          try {
            const url = server.url;
            const created = await fetch(`${url}/api/postmortems`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ kind: 'other', title }),
            });
            if (created.status !== 201) continue;
            const { id, version } = (await created.json()) as { id: string; version: number };
            acknowledged.set(id, { title, version });
            const changed = `${title}, changed`;
            const put = await fetch(`${url}/api/postmortems/${id}`, {
              method: 'PUT',
              headers,
              body: JSON.stringify({ version, report: { kind: 'other', title: changed } }),
            });
            if (put.status === 200) {
              const after = (await put.json()) as { version: number };
              acknowledged.set(id, { title: changed, version: after.version });
            }
          } catch {
            // The server died mid-request: not acknowledged, so nothing is owed. Wait for the restart.
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      };

      const killer = async () => {
        while ((Date.now() < end || kills < MIN_KILLS) && Date.now() < cap) {
          await new Promise((r) => setTimeout(r, 300 + Math.random() * 1500));
          await killed(server.child);
          kills += 1;
          server = await serve();
        }
        // Writes go on a little against the last start, then stop.
        await new Promise((r) => setTimeout(r, 1000));
        done = true;
      };

      await Promise.all([killer(), ...Array.from({ length: CLIENTS }, (_, n) => client(n))]);
      await killed(server.child);

      // Read back through a fresh process's view of the file, as the next start would see it.
      const check = openStore(db);
      await migrateToLatest(check);
      const rows = await check.db.selectFrom('reports').select(['id', 'title', 'version']).execute();
      await check.close();
      const stored = new Map(rows.map((r) => [r.id, r]));
      const lost = [...acknowledged].filter(([id, w]) => {
        const row = stored.get(id);
        return (
          !row ||
          Number(row.version) < w.version ||
          (Number(row.version) === w.version && row.title !== w.title)
        );
      });
      process.stdout.write(
        `durability: ${acknowledged.size} reports acknowledged (${attempts} attempts), ${kills} kills, ${lost.length} lost\n`,
      );
      expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
      expect(acknowledged.size).toBeGreaterThan(20);
      expect(lost).toEqual([]);
    },
    DURATION + 120_000,
  );
});
