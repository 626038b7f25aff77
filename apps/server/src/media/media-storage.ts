import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';

/** Inclusive byte range of a stored object. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where media files live. Keys are relative, slash-separated names (`originals/<id>`). Kept narrow so an
 * S3-compatible store can implement it: put a finished local file, read (a range), stat, delete.
 */
export interface MediaStorage {
  /** Stores a finished local file under `key`, replacing any object there. The local file is consumed. */
  put(key: string, localFile: string): Promise<void>;
  /** Reads the object, or the inclusive byte range of it. */
  openRead(key: string, range?: ByteRange): Readable;
  /** Size of the object, or null when there is none. */
  stat(key: string): Promise<{ size: number } | null>;
  /** Removes the object (nothing happens when it is absent). */
  delete(key: string): Promise<void>;
  /** A path ffmpeg can read the object from directly, when the store is a local disk; else null. */
  localPath(key: string): string | null;
}

/** Injection token of the MediaStorage in use. */
export const MEDIA_STORAGE = Symbol('MEDIA_STORAGE');

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Files under MEDIA_DIR, one per key. */
export class LocalDiskStorage implements MediaStorage {
  /** Large reads: fewer syscalls and event-loop turns per served byte. */
  private static readonly READ_CHUNK = 256 * 1024;

  constructor(private readonly root: string) {}

  async put(key: string, localFile: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(localFile, target);
    } catch (err) {
      // Another file system (a file handed over from elsewhere): copy, then drop the original.
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await copyFile(localFile, target);
      await unlink(localFile);
    }
  }

  openRead(key: string, range?: ByteRange): Readable {
    return createReadStream(this.path(key), {
      highWaterMark: LocalDiskStorage.READ_CHUNK,
      ...(range ? { start: range.start, end: range.end } : {}),
    });
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const s = await stat(this.path(key));
      return s.isFile() ? { size: s.size } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  localPath(key: string): string {
    return this.path(key);
  }

  /** The file of a key; keys never leave the root (no `..`, no absolute paths). */
  private path(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid storage key: ${key}`);
    const path = resolve(join(this.root, ...key.split('/')));
    if (!path.startsWith(resolve(this.root) + sep)) throw new Error(`invalid storage key: ${key}`);
    return path;
  }
}
