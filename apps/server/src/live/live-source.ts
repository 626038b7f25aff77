import type { Readable } from 'node:stream';
import type { LiveSourceKind } from '@loa-xa/persistence';
import type { Principal } from '../access/scope';

/** A connected source as both ingest paths (WebSocket, Icecast) hand it to the session. */
export interface IngestSource {
  kind: LiveSourceKind;
  /** What the source declared it sends (decides ffmpeg's demuxer); undefined: probed. */
  contentType: string | undefined;
  /** The compressed audio, as it arrives. */
  stream: Readable;
  /** Drops the connection (the session was stopped, or its audio could not be decoded). */
  close(reason: string): void;
}

/** Who is connecting a source: the ingest password, or a signed-in user allowed to broadcast the session. */
export type SourceCredentials = { password: string } | { principal: Principal };

/** A session that has accepted a source: hand it the stream once the handshake is answered. */
export interface SourceSlot {
  feed(source: IngestSource): void;
  /** The handshake failed after all: release the session for another source. */
  cancel(): void;
}

/** Why a source was refused, as an HTTP status for either ingest path. */
export class SourceRefused extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 415 | 503,
    message: string,
  ) {
    super(message);
  }
}
