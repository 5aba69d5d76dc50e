import { Command, CommanderError, Help } from 'commander';
import { isAppError } from '../domain/errors.js';
import { COMMAND_HELP, COMMANDS, commandOf } from './commands/index.js';
import type { CliContext } from './context.js';
import { processIO, type CliIO } from './io.js';

/**
 * Build the `hindsight` program: with `argv`, only the command it names is loaded and registered; when it names
 * none (`--help`) or one that does not exist, the commands are listed from COMMAND_HELP without loading any.
 * Without `argv`, every command is loaded.
 */
export async function buildProgram(ctx: CliContext, argv?: string[]): Promise<Command> {
  const program = new Command('hindsight')
    .description('Hindsight: post-mortems as structured, checked, searchable records.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
    })
    .exitOverride();
  // `--version` alone needs no command at all; `help lint` is lint's help.
  const versionOnly =
    argv?.every((a) => a.startsWith('-')) === true && argv.some((a) => a === '-V' || a === '--version');
  const wanted = argv === undefined ? undefined : commandOf(argv);
  if (argv !== undefined && !versionOnly && (wanted === undefined || !Object.hasOwn(COMMANDS, wanted))) {
    // The list of commands (`--help`, no command, or one that does not exist): their names and summaries,
    // without loading any of them.
    for (const [name, help] of Object.entries(COMMAND_HELP))
      program.command(name).description(help.description);
    const standard = new Help();
    program.configureHelp({
      subcommandTerm: (cmd) => COMMAND_HELP[cmd.name()]?.term ?? standard.subcommandTerm(cmd),
    });
    return program;
  }
  const loaders = versionOnly ? [] : wanted !== undefined ? [COMMANDS[wanted]!] : Object.values(COMMANDS);
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program, ctx);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) });
    cmd.showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

/**
 * Run the CLI on `argv` (without node and script) and return the exit code:
 * 0 success, 1 findings or an invalid report, 2 usage or I/O errors.
 */
export async function run(argv: string[], io: CliIO = processIO): Promise<number> {
  let exit = 0;
  const ctx: CliContext = { io, setExit: (code) => (exit = Math.max(exit, code)) };
  const program = await buildProgram(ctx, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      ) {
        return 0;
      }
      return 2;
    }
    if (isAppError(e)) {
      io.err(`hindsight: ${e.message}\n`);
      for (const d of e.details) io.err(`  ${formatDetail(d)}\n`);
      return e.exitCode;
    }
    // Anything else is a bug in Hindsight; say so in one line rather than dumping a stack.
    const message = e instanceof Error ? e.message : String(e);
    io.err(`hindsight: internal error: ${message}\n`);
    // Loaded only here: the configuration module brings zod, which a command that ran well may not need.
    const { debugStacks } = await import('./config.js');
    if (debugStacks() && e instanceof Error) io.err(`${e.stack}\n`);
    return 2;
  }
}

function formatDetail(d: {
  file?: string;
  line?: number;
  column?: number;
  path?: (string | number)[];
  message: string;
}) {
  const where = d.file
    ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}: `
    : d.path
      ? `${d.path.join('.')}: `
      : '';
  return `${where}${d.message}`;
}
