import { createHmac } from 'node:crypto';
import { ifRangeHolds, noneMatch, parseRange } from '../../apps/server/src/media/http-range';
import { sniff } from '../../apps/server/src/media/audio-sniff';
import { loudnormFilter, parseLoudnormJson, progressSeconds } from '../../apps/server/src/media/loudnorm';
import { JobQueue } from '../../apps/server/src/media/job-queue';
import { MediaUrlSigner } from '../../apps/server/src/media/media-url-signer';
import type { AppConfig } from '../../apps/server/src/config/app-config';
import type { HttpAdapterHost } from '@nestjs/core';

describe('HTTP ranges', () => {
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=100-', { kind: 'partial', start: 100, end: 999 }],
    ['bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    ['bytes=990-5000', { kind: 'partial', start: 990, end: 999 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=1000-1001', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-1', { kind: 'full' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
    ['bytes=-', { kind: 'full' }],
    ['bytes=a-b', { kind: 'full' }],
  ])('%s of 1000 bytes', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });

  it('compares validators as RFC 9110 says', () => {
    expect(noneMatch('"abc"', '"abc"')).toBe(true);
    expect(noneMatch('W/"abc", "x"', '"abc"')).toBe(true);
    expect(noneMatch('*', '"abc"')).toBe(true);
    expect(noneMatch('"x"', '"abc"')).toBe(false);
    expect(ifRangeHolds(undefined, '"abc"')).toBe(true);
    expect(ifRangeHolds('"abc"', '"abc"')).toBe(true);
    expect(ifRangeHolds('W/"abc"', '"abc"')).toBe(false);
    expect(ifRangeHolds('Tue, 24 Nov 2026 05:30:00 GMT', '"abc"')).toBe(false);
  });
});

describe('sniffing', () => {
  const b = (...values: number[]) => Buffer.from(values);
  it.each([
    ['an ID3 tag', Buffer.from('ID3\u0004\u0000'), { kind: 'audio', format: 'mp3' }],
    ['an MPEG frame header', b(0xff, 0xfb, 0x90, 0x64), { kind: 'audio', format: 'mp3' }],
    ['a WAV header', Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVE'), { kind: 'audio', format: 'wav' }],
    ['an Ogg page', Buffer.from('OggS\u0000'), { kind: 'audio', format: 'ogg' }],
    ['an M4A box', Buffer.from('\u0000\u0000\u0000\u0020ftypM4A '), { kind: 'audio', format: 'mp4' }],
    ['a PNG', b(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), { kind: 'not-audio', what: 'a PNG image' }],
    ['a JPEG', b(0xff, 0xd8, 0xff, 0xe0), { kind: 'not-audio', what: 'a JPEG image' }],
    ['a PDF', Buffer.from('%PDF-1.7'), { kind: 'not-audio', what: 'a PDF document' }],
    ['an HLS playlist', Buffer.from('#EXTM3U\nfile:///etc/passwd\n'), { kind: 'not-audio', what: 'text' }],
    ['Vietnamese text', Buffer.from('Thông báo họp thôn'), { kind: 'not-audio', what: 'text' }],
    [
      'text cut inside a character',
      Buffer.from('Thông báo').subarray(0, 3),
      { kind: 'not-audio', what: 'text' },
    ],
    ['unknown bytes', b(0x00, 0x01, 0x02, 0x03), { kind: 'unknown' }],
  ] as [string, Buffer, object][])('%s', (_what, head, expected) => {
    expect(sniff(head)).toEqual(expected);
  });
});

describe('loudnorm', () => {
  const profile = {
    name: 'p',
    codec: 'mp3' as const,
    bitrateKbps: 64,
    channels: 1 as const,
    sampleRate: 44100 as const,
  };
  const target = { i: -16, tp: -1, lra: 11 };

  it('reads the measurement printed by pass 1', () => {
    const lines = [
      '[Parsed_loudnorm_1 @ 0x38ab6900] ',
      '{',
      '\t"input_i" : "-6.25",',
      '\t"input_tp" : "-2.50",',
      '\t"input_lra" : "0.00",',
      '\t"input_thresh" : "-16.25",',
      '\t"output_i" : "-15.95",',
      '\t"target_offset" : "-0.05"',
      '}',
    ];
    expect(parseLoudnormJson(lines)).toEqual({
      inputI: -6.25,
      inputTp: -2.5,
      inputLra: 0,
      inputThresh: -16.25,
      targetOffset: -0.05,
    });
    expect(parseLoudnormJson(['no json here'])).toBeNull();
  });

  it('builds the two passes, and a plain transcode for silence', () => {
    expect(loudnormFilter(profile, target)).toBe(
      'aformat=channel_layouts=mono,loudnorm=I=-16.00:TP=-1.00:LRA=11.00:print_format=json',
    );
    const measured = { inputI: -6.25, inputTp: -2.5, inputLra: 0, inputThresh: -16.25, targetOffset: -0.05 };
    expect(loudnormFilter(profile, target, measured)).toBe(
      'aformat=channel_layouts=mono,loudnorm=I=-16.00:TP=-1.00:LRA=11.00:measured_I=-6.25:measured_TP=-2.50' +
        ':measured_LRA=0.00:measured_thresh=-16.25:offset=-0.05:linear=true:print_format=summary,aresample=44100',
    );
    const silent = { inputI: null, inputTp: null, inputLra: 0, inputThresh: -70, targetOffset: null };
    expect(loudnormFilter(profile, target, silent)).toBe('aformat=channel_layouts=mono,aresample=44100');
  });

  it('reads progress lines', () => {
    expect(progressSeconds('size=N/A time=00:01:02.50 bitrate=N/A speed=90x')).toBe(62.5);
    expect(progressSeconds('Duration: 00:01:02.50')).toBeNull();
  });
});

describe('job queue', () => {
  it('runs at most `concurrency` jobs, one per key, and cancels', async () => {
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    let peak = 0;
    let running = 0;
    const queue = new JobQueue(2, async (key, signal) => {
      started.push(key);
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => {
        finish.set(key, resolve);
        signal.addEventListener('abort', () => resolve());
      });
      running--;
    });
    for (const key of ['a', 'b', 'c', 'a', 'd']) queue.add(key);
    expect(started).toEqual(['a', 'b']);
    await queue.cancel('c');
    finish.get('a')!();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['a', 'b', 'd']);
    await queue.cancel('b');
    expect(queue.has('b')).toBe(false);
    await queue.stop();
    expect(peak).toBe(2);
    queue.add('e');
    expect(started).not.toContain('e');
  });
});

describe('signed media URLs', () => {
  const config = {
    authSecret: 'x'.repeat(40),
    publicBaseUrl: 'https://loa.example.vn',
    port: 3000,
  } as AppConfig;
  const signer = new MediaUrlSigner(config, {} as HttpAdapterHost);
  const id = '7b0e7b8e-6a4b-4f7c-9d5e-2b1f0a3c4d5e';

  it('signs with the public base URL and verifies until expiry', () => {
    const url = new URL(signer.url(id, 1_800_000_000_500));
    expect(url.origin + url.pathname).toBe(`https://loa.example.vn/media/r/${id}`);
    expect(url.searchParams.get('exp')).toBe('1800000001');
    const sig = url.searchParams.get('sig')!;
    expect(signer.verify(id, '1800000001', sig, 1_800_000_000_000)).toBe('valid');
    expect(signer.verify(id, '1800000001', sig, 1_800_000_002_000)).toBe('expired');
    expect(signer.verify(id, '1800000002', sig, 0)).toBe('invalid');
    expect(signer.verify(id.replace('7', '8'), '1800000001', sig, 0)).toBe('invalid');
    expect(signer.verify(id, '1e12', sig, 0)).toBe('invalid');
    expect(signer.verify(id, undefined, sig, 0)).toBe('invalid');
  });

  it('derives a key of its own from the auth secret (not the token-signing key)', () => {
    const url = new URL(signer.url(id, 1_800_000_000_000));
    const withAuthSecret = createHmac('sha256', config.authSecret!)
      .update(`${id}.1800000000`)
      .digest('base64url');
    expect(url.searchParams.get('sig')).not.toBe(withAuthSecret);
    const other = new MediaUrlSigner({ ...config, authSecret: 'y'.repeat(40) }, {} as HttpAdapterHost);
    expect(other.url(id, 1_800_000_000_000)).not.toBe(signer.url(id, 1_800_000_000_000));
  });
});
