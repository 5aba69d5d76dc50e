// Preloaded (NODE_OPTIONS=--import) into a process a bench times as a whole: at exit, writes the CPU time the
// process used (all its threads, user and system) to $BENCH_CPU_FILE.
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { isMainThread } from 'node:worker_threads';

process.on('exit', () => {
  const u = process.cpuUsage();
  if (isMainThread && process.env.BENCH_CPU_FILE)
    writeFileSync(process.env.BENCH_CPU_FILE, String((u.user + u.system) / 1e6));
});
