import type { Writable } from 'node:stream';
import { once } from 'node:events';

/** Writes one chunk, waiting for 'drain' when the receiver is slow (large reports must not pile up in memory). */
export async function put(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Ends a stream and waits until everything is flushed. */
export async function finish(out: Writable): Promise<void> {
  out.end();
  if (!out.writableFinished) await once(out, 'finish');
}

/** `attachment; filename=…` for an ASCII file name. */
export function attachment(filename: string): string {
  return `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}
