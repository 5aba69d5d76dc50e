import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerEvidence } from './evidence.command.js';
import { registerImport } from './import.command.js';
import { registerLint } from './lint.command.js';
import { registerMetrics } from './metrics.command.js';
import { registerNew } from './new.command.js';
import { registerRender } from './render.command.js';
import { registerValidate } from './validate.command.js';
import { registerServe } from './serve.command.js';
import { registerMigrate } from './migrate.command.js';
import { registerUser } from './user.command.js';
import { registerToken } from './token.command.js';

/** A command module registers itself on the program. Add new commands to this list. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: RegisterCommand[] = [
  registerNew,
  registerValidate,
  registerImport,
  registerRender,
  registerMetrics,
  registerEvidence,
  registerLint,
  registerServe,
  registerMigrate,
  registerUser,
  registerToken,
];
