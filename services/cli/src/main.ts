import { Command } from 'commander';
import { commands } from './commands/index.js';

const program = new Command('reaper').description('smart-reap: a supervisor for long-running tasks');
for (const register of commands) register(program);
program.showHelpAfterError();
await program.parseAsync(process.argv);
