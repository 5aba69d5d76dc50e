import { config } from 'zod';

// Imported first by the commands that read a report or two and exit (commands/index.ts BUNDLED_COMMANDS), so it
// runs before any schema is built. zod compiles a parser for each object schema the first time it is used; in
// a process that parses one report that costs more than it saves (about 12 ms of `validate`'s CPU), and the
// compiled code cannot go into the bundle's code cache. The server, which parses on every request, keeps it.
config({ jitless: true });
