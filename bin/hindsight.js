#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm install` through `prepare`);
// start.ts runs the light commands from the bundle (dist/bundle/cli.cjs) and the others from dist/cli.
import { start } from '../dist/cli/start.js';

// A reader that stops early (`hindsight lint … | head`) closes the pipe; that is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await start(process.argv.slice(2));
