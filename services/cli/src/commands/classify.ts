import type { Command } from 'commander';
import { open } from 'node:fs/promises';
import { classify, redact, tailText } from '@smart-reap/shared';

/** DESIGN §5: the diagnoser reads the last 4096 bytes; `reaper classify` reads what it reads. */
const TAIL_BYTES = 4096;
// A UTF-8 character has up to 3 bytes before the one the tail starts at: read them too, so that
// tailText can start the text at a whole character instead of a replacement mark.
const BOUNDARY_SLACK = 3;
const READ_BYTES = TAIL_BYTES + BOUNDARY_SLACK;

interface ClassifiedLine {
  file: string;
  crashType: string;
  confidence: number;
  summary: string;
  evidence: string[];
}

/** The end of a file, read at its offset: a 10 GB log costs what a 4 KB one does. */
async function readFileEnd(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, READ_BYTES);
    const buf = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buf, filled, length - filled, size - length + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** Standard input, keeping only its end in memory however long it runs. */
async function readStdinEnd(): Promise<Buffer> {
  let end = Buffer.alloc(0);
  for await (const chunk of process.stdin) {
    const joined = Buffer.concat([end, chunk as Buffer]);
    end = joined.subarray(Math.max(0, joined.length - READ_BYTES));
  }
  return end;
}

function classifyEnd(file: string, end: Buffer): ClassifiedLine {
  const tail = redact(tailText(end, TAIL_BYTES).text);
  const { crashType, confidence, summary, evidence } = classify({ tail });
  return { file, crashType, confidence, summary, evidence };
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `reaper classify [FILE...]`: one JSON line per input (stdin when none); an unreadable file does not stop the run. */
export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('classify the death recorded at the end of each log file (stdin when none), one JSON line each')
    .argument('[files...]', 'log files; only their last 4096 bytes are read')
    .action(async (files: string[]) => {
      const write = (line: object): void => {
        process.stdout.write(`${JSON.stringify(line)}\n`);
      };
      if (files.length === 0) {
        write(classifyEnd('-', await readStdinEnd()));
        return;
      }
      for (const file of files) {
        try {
          write(classifyEnd(file, await readFileEnd(file)));
        } catch (err) {
          write({ file, error: describeError(err) });
        }
      }
    });
}
