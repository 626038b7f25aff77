/*
 * MPEG audio frame boundaries in a byte stream (the transcoder's MP3 output), so the relay hands listeners
 * whole frames only: a listener joining mid-stream starts on a frame header and decodes at once.
 */

const BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

export interface Mp3FrameHeader {
  /** Bytes in the frame, header included. */
  length: number;
  /** Samples per channel in the frame. */
  samples: number;
  sampleRate: number;
}

/** The Layer III frame header at `offset`, or null when the bytes there are not one. */
export function parseFrameHeader(buf: Buffer, offset = 0): Mp3FrameHeader | null {
  if (offset + 4 > buf.length) return null;
  const b1 = buf[offset + 1];
  const b2 = buf[offset + 2];
  if (buf[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3)
    return null;
  const mpeg1 = version === 3;
  const kbps = (mpeg1 ? BITRATES_V1_L3 : BITRATES_V2_L3)[bitrateIndex];
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const padding = (b2 >> 1) & 1;
  const length = Math.floor(((mpeg1 ? 144_000 : 72_000) * kbps) / sampleRate) + padding;
  return { length, samples: mpeg1 ? 1152 : 576, sampleRate };
}

export interface Mp3Chunk {
  /** One or more whole frames, back to back. */
  data: Buffer;
  frames: number;
  /** Playing time of the frames, ms. */
  durationMs: number;
}

/**
 * Cuts a byte stream into runs of whole frames (at most `maxFrames` each, so a burst of output still gives
 * the relay fine-grained chunks to keep as backlog); bytes that are not frames (tags, garbage) are skipped.
 */
export class Mp3Framer {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes dropped while looking for a frame header. */
  skipped = 0;

  constructor(private readonly maxFrames = 8) {}

  push(bytes: Buffer): Mp3Chunk[] {
    const buf = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    const out: Mp3Chunk[] = [];
    let offset = 0;
    let start = -1;
    let frames = 0;
    let durationMs = 0;
    const cut = () => {
      if (start >= 0) out.push({ data: Buffer.from(buf.subarray(start, offset)), frames, durationMs });
      start = -1;
      frames = 0;
      durationMs = 0;
    };
    while (offset + 4 <= buf.length) {
      const header = parseFrameHeader(buf, offset);
      if (!header) {
        // Not on a frame: close the run collected so far and look for the next header byte by byte.
        cut();
        offset++;
        this.skipped++;
        continue;
      }
      if (offset + header.length > buf.length) break;
      if (start < 0) start = offset;
      frames++;
      durationMs += (header.samples * 1000) / header.sampleRate;
      offset += header.length;
      if (frames >= this.maxFrames) cut();
    }
    cut();
    // What is left is a partial frame (or fewer than 4 bytes): it completes with the next push.
    this.pending = Buffer.from(buf.subarray(offset));
    return out;
  }
}
