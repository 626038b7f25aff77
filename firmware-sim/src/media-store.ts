import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * The cluster's media storage, keyed by SHA-256 (content-addressed, so a file keeps its identity across
 * manifests whatever its URL). Without `dir` it only remembers which files it holds (10,000 simulated
 * clusters must fit in memory); with `dir` it also writes their bytes there.
 */

/** Where the bytes of one download go while it runs. */
export interface MediaSink {
  write(chunk: Buffer): Promise<void>;
  /** Start again from byte 0 (server ignored the Range, or the checksum failed). */
  reset(): Promise<void>;
  /** The file verified: make it the held copy. */
  commit(): Promise<void>;
  /** Give up: remove the partial file. */
  discard(): Promise<void>;
}

export class MediaStore {
  private readonly held = new Set<string>();
  /** Files a running play_now needs even if no manifest lists them, with a use count. */
  private readonly pins = new Map<string, number>();

  constructor(private readonly dir?: string) {}

  get files(): ReadonlySet<string> {
    return this.held;
  }

  has(sha256: string): boolean {
    return this.held.has(sha256);
  }

  add(sha256: string): void {
    this.held.add(sha256);
  }

  pin(sha256: string): void {
    this.pins.set(sha256, (this.pins.get(sha256) ?? 0) + 1);
  }

  unpin(sha256: string): void {
    const count = (this.pins.get(sha256) ?? 0) - 1;
    if (count > 0) this.pins.set(sha256, count);
    else this.pins.delete(sha256);
  }

  /** Forgets every held file that is neither in `listed` nor pinned (protocol: keep until no manifest lists it). */
  retainOnly(listed: ReadonlySet<string>): string[] {
    const dropped: string[] = [];
    for (const sha of this.held) {
      if (listed.has(sha) || this.pins.has(sha)) continue;
      this.held.delete(sha);
      dropped.push(sha);
      if (this.dir) void fs.rm(path.join(this.dir, sha), { force: true }).catch(() => undefined);
    }
    return dropped;
  }

  /**
   * A sink writing to `<dir>/<sha256>.<tag>.part`, or null when bytes are not kept. The tag keeps two
   * downloads of the same file (scheduled and play_now) from writing into one partial file.
   */
  openSink(sha256: string, tag: string): MediaSink | null {
    const dir = this.dir;
    if (!dir) return null;
    const partial = path.join(dir, `${sha256}.${tag}.part`);
    let handle: fs.FileHandle | undefined;
    const open = async () => {
      if (!handle) {
        await fs.mkdir(dir, { recursive: true });
        handle = await fs.open(partial, 'w');
      }
      return handle;
    };
    const close = async () => {
      const h = handle;
      handle = undefined;
      await h?.close();
    };
    return {
      write: async (chunk) => {
        const h = await open();
        await h.write(chunk);
      },
      reset: async () => {
        await close();
        await fs.rm(partial, { force: true });
      },
      commit: async () => {
        await open(); // an empty file is still a file
        await close();
        await fs.rename(partial, path.join(dir, sha256));
      },
      discard: async () => {
        await close();
        await fs.rm(partial, { force: true });
      },
    };
  }
}
