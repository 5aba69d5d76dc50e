// The logs the CLI and evidence benches read, generated once and kept in bench/.cache: a JSON-lines (pino) log
// of BENCH_LOG_MB (default 1024) and a text log of half that size.
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from './dataset.js';

export const MB = Number(process.env.BENCH_LOG_MB ?? 1024);
export const START = Date.parse('2024-03-01T00:00:00Z');
export const STEP_MS = 11; // ~7.8 million lines a day: 1 GB of pino lines covers about a day

/** Write `bytes` of log lines made by `line(i, t)` to `file`, once. */
export async function generate(file: string, bytes: number, line: (i: number, t: number) => string) {
  if (existsSync(file)) return;
  mkdirSync(CACHE, { recursive: true });
  const out = createWriteStream(`${file}.part`);
  let written = 0;
  let i = 0;
  while (written < bytes) {
    let chunk = '';
    for (let k = 0; k < 2000; k += 1) {
      i += 1;
      chunk += line(i, START + i * STEP_MS);
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(r));
  renameSync(`${file}.part`, file);
}

const LEVELS = [30, 30, 30, 30, 30, 30, 40, 50, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 60];
const WORDS = ['INFO', 'INFO', 'INFO', 'WARN', 'INFO', 'INFO', 'ERROR', 'INFO', 'DEBUG', 'INFO'];
export const pino = (i: number, t: number) =>
  `{"level":${LEVELS[i % 20]},"time":${t},"pid":${4000 + (i % 7)},"hostname":"web-${i % 5}","req":{"id":"r${i}","method":"GET","url":"/api/items/${i % 997}"},"msg":"request completed in ${i % 300} ms"}\n`;
export const text = (i: number, t: number) =>
  `${new Date(t).toISOString()} ${WORDS[i % 10]} [worker-${i % 4}] GET /api/items/${i % 997} answered 200 in ${i % 300} ms for r${i}\n`;

export const jsonLog = join(CACHE, `app-${MB}mb.jsonl`);
export const textLog = join(CACHE, `app-${MB / 2}mb.log`);
