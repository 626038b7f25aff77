import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { Fanout, type FanoutSink } from '../../apps/server/src/live/fanout';
import { Mp3Framer, parseFrameHeader, type Mp3Chunk } from '../../apps/server/src/live/mp3-frames';
import {
  basicCredentials,
  classifyConnection,
  parseSourceHead,
  sessionOfMount,
} from '../../apps/server/src/live/icecast-request';
import { inputFormatOf, isAcceptedContentType } from '../../apps/server/src/live/transcoder';
import { LiveUrlSigner } from '../../apps/server/src/live/live-url-signer';
import type { AppConfig } from '../../apps/server/src/config/app-config';
import type { HttpAdapterHost } from '@nestjs/core';
import { FFMPEG } from './support';

/** Real MP3 from ffmpeg: `seconds` of a tone, CBR, no tags. */
function mp3(seconds: number, rate = 44100): Buffer {
  const out = spawnSync(FFMPEG, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=${rate}:duration=${seconds}`,
    '-c:a',
    'libmp3lame',
    '-b:a',
    '64k',
    '-ac',
    '1',
    '-write_xing',
    '0',
    '-id3v2_version',
    '0',
    '-f',
    'mp3',
    'pipe:1',
  ]);
  return out.stdout;
}

describe('Mp3Framer', () => {
  it('cuts a stream chunked anyhow into whole frames, losing nothing', () => {
    const bytes = mp3(2);
    const framer = new Mp3Framer();
    const chunks: Mp3Chunk[] = [];
    let seed = 7;
    for (let offset = 0; offset < bytes.length;) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const size = 1 + (seed % 1500);
      chunks.push(...framer.push(bytes.subarray(offset, offset + size)));
      offset += size;
    }
    expect(Buffer.concat(chunks.map((c) => c.data))).toEqual(
      bytes.subarray(0, Buffer.concat(chunks.map((c) => c.data)).length),
    );
    for (const chunk of chunks) expect(parseFrameHeader(chunk.data)).not.toBeNull();
    const ms = chunks.reduce((sum, c) => sum + c.durationMs, 0);
    expect(ms).toBeGreaterThan(1900);
    expect(ms).toBeLessThan(2200);
    expect(framer.skipped).toBe(0);
  });

  it('resynchronises after bytes that are not frames', () => {
    const bytes = mp3(1, 22050);
    expect(parseFrameHeader(bytes)).toMatchObject({ samples: 576, sampleRate: 22050 });
    const framer = new Mp3Framer();
    const chunks = framer.push(Buffer.concat([Buffer.from('ID3garbage'), bytes, Buffer.from([0xff])]));
    expect(chunks[0].data.subarray(0, 4)).toEqual(bytes.subarray(0, 4));
    expect(framer.skipped).toBe(10);
  });

  it('keeps chunks short even when a burst of output arrives at once', () => {
    const bytes = mp3(2);
    const chunks = new Mp3Framer(8).push(bytes);
    expect(chunks.length).toBeGreaterThan(8);
    for (const chunk of chunks) expect(chunk.frames).toBeLessThanOrEqual(8);
    expect(Buffer.concat(chunks.map((c) => c.data))).toEqual(
      bytes.subarray(0, Buffer.concat(chunks.map((c) => c.data)).length),
    );
  });
});

/** A real stream as a listener: reading drains it, not reading lets its queue grow. */
function sink(reading: boolean): FanoutSink & { stream: PassThrough; received: () => number } {
  const stream = new PassThrough({ highWaterMark: 1024 });
  let received = 0;
  if (reading) stream.on('data', (d: Buffer) => (received += d.length));
  return Object.assign(stream, { stream, received: () => received });
}

const frame = (ms: number, size = 100): Mp3Chunk => ({
  data: Buffer.alloc(size, 1),
  frames: 1,
  durationMs: ms,
});

describe('Fanout', () => {
  it('gives a late joiner at most the backlog, then everything live', async () => {
    const fanout = new Fanout({ backlogMs: 100, maxQueuedBytes: 1_000_000 });
    for (let i = 0; i < 10; i++) fanout.publish(frame(26));
    const late = sink(true);
    fanout.join(late, 'late');
    fanout.publish(frame(26));
    await new Promise((r) => setImmediate(r));
    // 100 ms of backlog is 3 frames of 26 ms (a 4th would exceed it), plus the live one.
    expect(late.received()).toBe(400);
  });

  it('drops a listener that does not read once its queue passes the limit; the others go on', async () => {
    const fanout = new Fanout({ backlogMs: 0, maxQueuedBytes: 5000 });
    const fast = sink(true);
    const slow = sink(false);
    fanout.join(fast, 'fast');
    fanout.join(slow, 'slow');
    for (let i = 0; i < 100; i++) fanout.publish(frame(26, 1000));
    await new Promise((r) => setImmediate(r));
    expect(fanout.dropped).toBe(1);
    expect(slow.stream.destroyed).toBe(true);
    expect(fanout.size).toBe(1);
    expect(fast.received()).toBe(100_000);
    expect(fanout.peak).toBe(2);
  });

  it('ends every listener at the end, and a listener joining after gets nothing', () => {
    const fanout = new Fanout({ backlogMs: 1000, maxQueuedBytes: 5000 });
    const a = sink(true);
    fanout.join(a, 'a');
    fanout.end();
    expect(a.stream.writableEnded).toBe(true);
    const b = sink(true);
    fanout.join(b, 'b');
    expect(b.stream.writableEnded).toBe(true);
    expect(fanout.size).toBe(0);
  });
});

describe('Icecast source requests', () => {
  it('tells source requests from ordinary HTTP by their first bytes', () => {
    expect(classifyConnection(Buffer.from('SOURCE /live/x ICE/1.0'))).toBe('yes');
    expect(classifyConnection(Buffer.from('PUT /live/abc HTTP/1.1'))).toBe('yes');
    expect(classifyConnection(Buffer.from('PU'))).toBe('maybe');
    expect(classifyConnection(Buffer.from('SOU'))).toBe('maybe');
    expect(classifyConnection(Buffer.from('PUT /api/v1/x HTTP/1.1'))).toBe('no');
    expect(classifyConnection(Buffer.from('GET /live/x/y.mp3 HTTP/1.1'))).toBe('no');
  });

  it('parses the head, the mount and Basic credentials', () => {
    const head = parseSourceHead(
      'SOURCE /live/0c8e4a52-7d4f-4a38-9b3d-2d3c8f1e9a10.mp3 ICE/1.0\r\nAuthorization: Basic c291cmNlOnB3Onc=\r\nContent-Type: audio/mpeg',
    );
    expect(head).toMatchObject({ method: 'SOURCE', headers: { 'content-type': 'audio/mpeg' } });
    expect(sessionOfMount(head?.path ?? '')).toBe('0c8e4a52-7d4f-4a38-9b3d-2d3c8f1e9a10');
    expect(basicCredentials(head?.headers.authorization)).toEqual({ user: 'source', password: 'pw:w' });
    expect(sessionOfMount('/live/not-a-session')).toBeNull();
    expect(parseSourceHead('SOURCE /live/x\r\n')).toBeNull();
    expect(parseSourceHead('PUT /live/x HTTP/1.1\r\nbroken header')).toBeNull();
    expect(basicCredentials('Bearer x')).toBeNull();
  });

  it('maps declared content types to demuxers', () => {
    expect(inputFormatOf('audio/webm;codecs=opus')).toBe('webm');
    expect(inputFormatOf('audio/ogg')).toBe('ogg');
    expect(inputFormatOf('audio/mpeg')).toBe('mp3');
    expect(inputFormatOf(undefined)).toBeUndefined();
    expect(isAcceptedContentType('application/octet-stream')).toBe(true);
    expect(isAcceptedContentType('text/html')).toBe(false);
  });
});

describe('LiveUrlSigner', () => {
  const config = {
    authSecret: 'x'.repeat(40),
    publicBaseUrl: 'https://loa.example.vn',
    port: 3000,
  } as AppConfig;
  const signer = new LiveUrlSigner(config, {} as HttpAdapterHost);

  it('signs per session and cluster, and refuses anything else', () => {
    const url = new URL(signer.url('s1', 'c1', 2_000_000_000_000));
    expect(url.origin + url.pathname).toBe('https://loa.example.vn/live/s1/c1.mp3');
    const [exp, sig] = [url.searchParams.get('exp'), url.searchParams.get('sig')];
    expect(signer.verify('s1', 'c1', exp, sig, 1_000_000_000_000)).toBe('valid');
    expect(signer.verify('s1', 'c1', exp, sig, 2_000_000_001_000)).toBe('expired');
    expect(signer.verify('s1', 'c2', exp, sig)).toBe('invalid');
    expect(signer.verify('s2', 'c1', exp, sig)).toBe('invalid');
    expect(signer.verify('s1', 'c1', undefined, undefined)).toBe('missing');
    expect(signer.verify('s1', 'c1', '1e3', sig)).toBe('invalid');
  });

  it('uses a key of its own: another secret gives other signatures', () => {
    const other = new LiveUrlSigner({ ...config, authSecret: 'y'.repeat(40) }, {} as HttpAdapterHost);
    const url = new URL(signer.url('s1', 'c1', 2_000_000_000_000));
    expect(other.verify('s1', 'c1', url.searchParams.get('exp'), url.searchParams.get('sig'), 0)).toBe(
      'invalid',
    );
  });
});
