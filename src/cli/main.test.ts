import { describe, expect, it } from 'vitest';
import { COMMAND_HELP, COMMANDS } from './commands/index.js';
import { buildProgram, run } from './main.js';

const quiet = { out: () => {}, err: () => {} };
const ctx = { io: quiet, setExit: () => {} } as unknown as Parameters<typeof buildProgram>[0];
const names = async (argv: string[]) => (await buildProgram(ctx, argv)).commands.map((c) => c.name());

describe('loading only the command that runs', () => {
  it('registers the named command alone, and every command for help or an unknown name', async () => {
    expect(await names(['validate', 'x.md'])).toEqual(['validate']);
    expect(await names(['--quiet', 'lint', 'x.md'])).toEqual(['lint']);
    expect(await names(['--version'])).toEqual([]);
    expect(await names([])).toEqual(Object.keys(COMMANDS));
    expect(await names(['--help'])).toEqual(Object.keys(COMMANDS));
    expect(await names(['nosuch'])).toEqual(Object.keys(COMMANDS));
  });

  it('lists the commands for --help without loading them, as they describe themselves', async () => {
    const listed = await buildProgram(ctx, ['--help']);
    const loaded = await buildProgram(ctx);
    expect(Object.keys(COMMAND_HELP)).toEqual(Object.keys(COMMANDS));
    expect(listed.helpInformation()).toBe(loaded.helpInformation());
    // `help lint` is lint's own help, so lint is loaded.
    expect(await names(['help', 'lint'])).toEqual(['lint']);
  });

  it('still answers --version and refuses an unknown command with exit 2', async () => {
    let out = '';
    let err = '';
    const io = { ...quiet, out: (s: string) => (out += s), err: (s: string) => (err += s) };
    expect(await run(['--version'], io as never)).toBe(0);
    expect(out.trim()).toBe('0.1.0');
    expect(await run(['nosuch'], io as never)).toBe(2);
    expect(err).toMatch(/unknown command 'nosuch'/);
  });
});
