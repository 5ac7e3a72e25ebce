import type { Command } from 'commander';
import { registerStart } from './start.js';
import { registerClassify } from './classify.js';
import { registerRun } from './run.js';
import { registerTask } from './task.js';
import { registerDemo } from './demo.js';
import { registerList } from './list.js';
import { registerCancel } from './cancel.js';
import { registerRetry } from './retry.js';
import { registerIncidents } from './incidents.js';
import { registerLogs } from './logs.js';

/** Each CLI command is one module that registers itself on the program. */
export type CommandRegistration = (program: Command) => void;

export const commands: CommandRegistration[] = [registerStart, registerClassify, registerRun, registerTask, registerList, registerLogs, registerCancel, registerRetry, registerIncidents, registerDemo];
