import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { startTestServer, type TestServer } from '../../test/server.js';

/** What a logger was asked to write, and the bindings of the child it was written through. */
interface Line {
  level: string;
  bindings: Record<string, unknown>;
  args: unknown[];
}

/** A logger that keeps its lines and counts the children made of it (the request loggers). */
function recordingLogger(): { logger: FastifyBaseLogger; lines: Line[]; children: () => number } {
  const lines: Line[] = [];
  let children = 0;
  const make = (bindings: Record<string, unknown>): FastifyBaseLogger => {
    const write =
      (level: string) =>
      (...args: unknown[]) =>
        void lines.push({ level, bindings, args });
    return {
      level: 'info',
      fatal: write('fatal'),
      error: write('error'),
      warn: write('warn'),
      info: write('info'),
      debug: write('debug'),
      trace: write('trace'),
      silent: write('silent'),
      child(more: Record<string, unknown>) {
        children += 1;
        return make({ ...bindings, ...more });
      },
    } as FastifyBaseLogger;
  };
  return { logger: make({}), lines, children: () => children };
}

// A request's logger is made only when the request logs something; what it writes still carries the request id.
describe('request loggers', () => {
  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('makes no child logger for a request that logs nothing', async () => {
    const log = recordingLogger();
    s = await startTestServer('sqlite', { logger: log.logger });
    const made = log.children();
    for (let i = 0; i < 5; i++) expect((await s.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect(log.children()).toBe(made);
  });

  it('writes request lines through a child bound to the request id', async () => {
    const log = recordingLogger();
    s = await startTestServer('sqlite', { logger: log.logger, requestLogs: true });
    await s.app.inject({ url: '/healthz' });
    await s.app.inject({ url: '/healthz' });
    const done = log.lines.filter((l) => l.args[1] === 'request completed');
    expect(done).toHaveLength(2);
    expect(done.map((l) => l.level)).toEqual(['info', 'info']);
    const ids = done.map((l) => l.bindings.reqId);
    expect(ids[0]).toBeTruthy();
    expect(ids[1]).toBeTruthy();
    expect(ids[0]).not.toBe(ids[1]);
    expect((done[0]!.args[0] as { req: { url: string } }).req).toBeDefined();
  });
});
