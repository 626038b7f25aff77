import type { MediaStorage } from './media-storage';

/**
 * The bytes of recently served renditions, bounded in total size, least recently used out first. During a
 * broadcast thousands of clusters fetch the same few files: answering from memory costs no file-system call
 * and no allocation per request (streaming each range from disk cost ~10× nginx's CPU per byte). Renditions
 * never change, so an entry is only dropped when evicted or when its file is deleted.
 */
export class HotFileCache {
  private readonly entries = new Map<string, Buffer>();
  private readonly loading = new Map<string, Promise<void>>();
  private bytes = 0;

  constructor(
    private readonly storage: MediaStorage,
    private readonly capacityBytes: number,
  ) {}

  /** The file's bytes if cached (and marks it recently used). */
  get(key: string): Buffer | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  /**
   * Reads the file into the cache in the background, if it fits; a failure just leaves it uncached. The
   * promise (which never rejects) is for tests; serving does not wait for it.
   */
  warm(key: string, size: number): Promise<void> {
    // One file may take at most a quarter of the cache, so a long recording cannot flush the hot set.
    if (size <= 0 || size > this.capacityBytes / 4 || this.entries.has(key)) return Promise.resolve();
    const pending = this.loading.get(key);
    if (pending) return pending;
    const load = this.read(key, size)
      .then((buffer) => {
        if (buffer.length !== size) return;
        this.entries.set(key, buffer);
        this.bytes += size;
        for (const [oldest, buf] of this.entries) {
          if (this.bytes <= this.capacityBytes) break;
          this.entries.delete(oldest);
          this.bytes -= buf.length;
        }
      })
      .catch(() => undefined)
      .finally(() => this.loading.delete(key));
    this.loading.set(key, load);
    return load;
  }

  delete(key: string): void {
    const buf = this.entries.get(key);
    if (!buf) return;
    this.entries.delete(key);
    this.bytes -= buf.length;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  private async read(key: string, size: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(size);
    let offset = 0;
    for await (const chunk of this.storage.openRead(key)) {
      const part = chunk as Buffer;
      if (offset + part.length > size) throw new Error('file larger than recorded');
      part.copy(out, offset);
      offset += part.length;
    }
    return offset === size ? out : out.subarray(0, offset);
  }
}
