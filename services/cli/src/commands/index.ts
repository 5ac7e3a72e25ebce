import type { Command } from 'commander';
import { registerStart } from './start.js';
import { registerClassify } from './classify.js';
import { registerRun } from './run.js';
import { registerTask } from './task.js';
import { registerDemo } from './demo.js';

/** Each CLI command is one module that registers itself on the program. */
export type CommandRegistration = (program: Command) => void;

export const commands: CommandRegistration[] = [registerStart, registerClassify, registerRun, registerTask, registerDemo];
