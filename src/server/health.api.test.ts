import { describe, expect, it } from 'vitest';
import { openTestStore, testDialects } from '../../test/databases.js';
import { buildApp } from './app.js';

describe.each(testDialects())('/healthz on %s', (dialect) => {
  it('says ok while the database answers, and 503 in JSON once it does not', async () => {
    const t = await openTestStore(dialect);
    const app = await buildApp({ validateResponses: true, db: t.store });
    try {
      const up = await app.inject({ method: 'GET', url: '/healthz' });
      expect(up.statusCode).toBe(200);
      expect(up.json()).toEqual({ status: 'ok', database: dialect });
      await t.store.close();
      t.store.close = async () => {}; // closed already: dispose below only drops the test database
      const down = await app.inject({ method: 'GET', url: '/healthz' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/database/) });
    } finally {
      await app.close();
      await t.dispose();
    }
  });
});
