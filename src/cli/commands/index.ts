import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** A command module registers itself on the program. Add new commands to this list. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: RegisterCommand[] = [];
