// Preloaded into the server under bench (node --import): samples the event loop's delay and, on SIGUSR2,
// writes the longest and the 99th-percentile delay since the last report to $ELD_FILE, then starts afresh.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import process from 'node:process';

const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
process.on('SIGUSR2', () => {
  const ms = (ns) => ns / 1e6;
  writeFileSync(process.env.ELD_FILE, JSON.stringify({ max: ms(h.max), p99: ms(h.percentile(99)) }));
  h.reset();
});
