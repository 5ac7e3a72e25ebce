import { z } from 'zod';

/**
 * What a demo runner program tells its parent on file descriptor 3, one JSON object a line: it is
 * alive (`beat`), how far it got (`progress`), or that its work is done (`done`). The parent turns
 * them into the runner client's heartbeat, progress and completion. A program whose event loop is
 * blocked sends nothing, so its heartbeat goes quiet as a real runner's would.
 */
export const ControlMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('beat') }),
  z.object({ t: z.literal('progress'), ratio: z.number().min(0).max(1), partial: z.string().max(100_000).optional() }),
  z.object({ t: z.literal('done'), chars: z.number().int().nonnegative() }),
]);
export type ControlMessage = z.infer<typeof ControlMessageSchema>;

/** The message on one line, or undefined for anything else (a program may print junk there). */
export function parseControlLine(line: string): ControlMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = ControlMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Splits a byte stream into lines; a partial last line waits for its end (or for `end()`). */
export class Lines {
  private rest = '';
  constructor(
    private readonly onLine: (line: string) => void,
    /** Longer lines are cut: the log API takes at most 64 KiB a line. */
    private readonly maxChars = 8192,
  ) {}

  push(chunk: string): void {
    const parts = (this.rest + chunk).split(/\r?\n/);
    this.rest = parts.pop() ?? '';
    for (const p of parts) this.onLine(this.cut(p));
    if (this.rest.length > this.maxChars) {
      this.onLine(this.cut(this.rest));
      this.rest = '';
    }
  }

  end(): void {
    if (this.rest) this.onLine(this.cut(this.rest));
    this.rest = '';
  }

  private cut(line: string): string {
    return line.length > this.maxChars ? `${line.slice(0, this.maxChars)}…` : line;
  }
}
