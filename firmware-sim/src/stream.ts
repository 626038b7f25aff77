import * as http from 'node:http';
import * as https from 'node:https';

/**
 * A live stream as the speaker hears it: an HTTP GET of the relayed MP3 stream whose bytes are consumed
 * (counted, not decoded). Sound is "on air" when the first audio bytes arrive.
 */

export interface StreamHandlers {
  /** First bytes arrived: sound would be on air now. */
  onAudio: () => void;
  /** Every chunk, for counters. */
  onBytes: (count: number) => void;
  /**
   * The stream is over. `opened` tells whether audio ever arrived (else it could not be opened).
   * Not called after `close()`.
   */
  onEnd: (info: { opened: boolean; message: string }) => void;
}

export interface StreamHandle {
  /** Stops listening (stop command, preemption, power off); no `onEnd` follows. */
  close(): void;
  /** Bytes received so far. */
  readonly bytes: number;
}

export function openStream(url: string, handlers: StreamHandlers, firstByteTimeoutMs = 10_000): StreamHandle {
  let bytes = 0;
  let opened = false;
  let done = false;
  const end = (message: string) => {
    if (done) return;
    done = true;
    request.destroy();
    handlers.onEnd({ opened, message });
  };
  const get = url.startsWith('https:') ? https.get : http.get;
  let request: http.ClientRequest;
  try {
    request = get(url);
  } catch (error) {
    // A URL node cannot even request: unavailable, reported after the caller has set itself up.
    done = true;
    queueMicrotask(() => handlers.onEnd({ opened: false, message: (error as Error).message }));
    return { close: () => undefined, bytes: 0 };
  }
  // Until the first byte: a relay that never answers is "unavailable"; after it, a silent relay is "lost".
  request.setTimeout(firstByteTimeoutMs, () => end(opened ? 'stream silent' : 'no audio in time'));
  request.on('error', (error) => end(error.message));
  request.on('response', (response) => {
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      response.resume();
      return end(`HTTP ${status}`);
    }
    response.on('data', (chunk: Buffer) => {
      if (done) return;
      bytes += chunk.length;
      handlers.onBytes(chunk.length);
      if (!opened) {
        opened = true;
        handlers.onAudio();
      }
    });
    response.on('end', () => end('stream ended'));
    response.on('error', (error) => end(error.message));
    response.on('close', () => end(response.complete ? 'stream ended' : 'connection closed'));
  });
  return {
    close: () => {
      if (done) return;
      done = true;
      request.destroy();
    },
    get bytes() {
      return bytes;
    },
  };
}
