import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

export interface FileFollowerOptions {
  /** How often to look for new bytes. Default 100 ms. */
  pollMs?: number;
  /** Bytes read per read call. Default 64 KiB. */
  chunkBytes?: number;
}

/**
 * Follows a file another process appends to, handing on its text as it grows (UTF-8 characters
 * split across reads are kept whole). Reads never overlap: the next poll is scheduled after the
 * previous one has read all there was.
 */
export class FileFollower {
  private readonly pollMs: number;
  private readonly buffer: Buffer;
  private readonly decoder = new StringDecoder('utf8');
  private handle: FileHandle | undefined;
  private position = 0;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private stopped = false;
  private failure: unknown;

  constructor(
    private readonly path: string,
    private readonly onText: (text: string) => void,
    options: FileFollowerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 100;
    this.buffer = Buffer.alloc(options.chunkBytes ?? 64 * 1024);
  }

  async start(): Promise<void> {
    this.handle = await open(this.path, 'r');
    this.schedule();
  }

  /** Reads what is left, hands on any incomplete last character, and stops; throws if a read failed. */
  async finish(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.reading;
    if (this.failure !== undefined) throw this.failure;
    await this.readAvailable();
    const rest = this.decoder.end();
    if (rest) this.onText(rest);
    await this.handle?.close();
    this.handle = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.reading = this.readAvailable().then(
        () => {
          this.reading = undefined;
          this.schedule();
        },
        (err: unknown) => {
          // Kept for finish(): a local file that cannot be read will not be readable at the next poll either.
          this.failure = err;
          this.reading = undefined;
        },
      );
    }, this.pollMs);
  }

  private async readAvailable(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    for (;;) {
      const { bytesRead } = await handle.read(this.buffer, 0, this.buffer.length, this.position);
      if (bytesRead === 0) return;
      this.position += bytesRead;
      const text = this.decoder.write(this.buffer.subarray(0, bytesRead));
      if (text) this.onText(text);
    }
  }
}
