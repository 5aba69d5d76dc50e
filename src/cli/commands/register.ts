import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** A command module registers itself on the program; index.ts lists the modules (COMMANDS). */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;
