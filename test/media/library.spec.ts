import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { eventually, request } from '../support/http';
import { metric } from '../support/metrics';
import { startTestServer, type TestServer } from '../support/test-server';
import { MediaUrlSigner } from '../../apps/server/src/media/media-url-signer';
import {
  ffmpeg,
  ffprobe,
  fetchBytes,
  filesUnder,
  getAsset,
  integratedLoudness,
  loudSine,
  settled,
  tempDir,
  upload,
  uploadPath,
  type Asset,
} from './support';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * The media library end to end with the real server and the real ffmpeg: uploads checked as decodable audio,
 * two-pass loudness normalisation to the device profile, and delivery by signed URL with HTTP ranges.
 */
describe('media library: upload, transcoding, delivery', () => {
  let server: TestServer;
  let mediaDir: string;
  let work: string;
  let unitId: string;
  let signer: MediaUrlSigner;
  /** A ready asset shared by the delivery tests. */
  let ready: Asset;
  let readyBytes: Buffer;

  const fields = () => ({ unitId });

  beforeAll(async () => {
    mediaDir = await tempDir('media');
    work = await tempDir('media-work');
    server = await startTestServer({ mediaDir, mediaMaxUploadMb: 2, transcodeConcurrency: 2 });
    const unit = await request<{ id: string }>('POST', server.url('/api/v1/units'), {
      level: 'province',
      era: 'post_2025',
      code: '98',
      name: 'Tỉnh Thử Nghiệm',
    });
    expect(unit.status).toBe(201);
    unitId = unit.body.id;
    signer = server.app.get(MediaUrlSigner);
  });
  afterAll(async () => {
    await server?.close();
    await rm(mediaDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('turns an MP3 upload into a loudness-normalised MP3 mono 44.1 kHz 64 kbit/s rendition', async () => {
    const source = await ffmpeg(work, 'loud.mp3', loudSine(5, ['-c:a', 'libmp3lame', '-b:a', '128k']));
    const res = await uploadPath(server, source, { fields: { ...fields(), title: '  Bản tin sáng  ' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      title: 'Bản tin sáng',
      status: 'processing',
      origin: 'upload',
      unitId,
      editable: true,
      sourceSha256: sha256(await readFile(source)),
      probe: { format: 'mp3', codec: 'mp3', channels: 1, sampleRate: 44100 },
      renditions: [],
    });
    expect(res.body.probe.durationMs).toBeGreaterThan(4900);
    expect(res.body.probe.durationMs).toBeLessThan(5200);

    ready = await settled(server, res.body.id);
    expect(ready).toMatchObject({ status: 'ready', progress: 100, failureReason: null });
    expect(ready.loudness).toMatchObject({ targetI: -16, normalised: true });
    expect(ready.loudness!.inputI).toBeGreaterThan(-10);
    expect(ready.renditions).toHaveLength(1);
    const [rendition] = ready.renditions;
    expect(rendition).toMatchObject({ profile: 'mp3_64k_mono', codec: 'mp3', bitrateKbps: 64, channels: 1 });
    expect(rendition.durationMs).toBeGreaterThan(4900);

    // The bytes devices get are exactly the rendition described.
    const served = await fetchBytes(signer.url(rendition.id, Date.now() + 60_000));
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('audio/mpeg');
    expect(served.body.length).toBe(rendition.size);
    expect(sha256(served.body)).toBe(rendition.sha256);
    readyBytes = served.body;

    const file = join(work, 'rendition.mp3');
    await writeFile(file, served.body);
    const stream = await ffprobe(file);
    expect(stream).toMatchObject({ codec_name: 'mp3', channels: 1, sample_rate: '44100', bit_rate: '64000' });
    expect(Math.abs((await integratedLoudness(file)) - -16)).toBeLessThanOrEqual(1);
  });

  it('keeps a Vietnamese file name as the browser sent it (UTF-8), for the title and the original name', async () => {
    const source = await ffmpeg(work, 'tone.mp3', loudSine(1, ['-c:a', 'libmp3lame']));
    const res = await upload(server, await readFile(source), {
      filename: 'Bản tin sáng thứ Hai.mp3',
      fields: fields(),
    });
    expect(res.status).toBe(202);
    expect(res.body.title).toBe('Bản tin sáng thứ Hai');
    expect(res.body.originalName).toBe('Bản tin sáng thứ Hai.mp3');
  });

  it.each([
    ['a stereo 48 kHz WAV', 'stereo.wav', loudSine(4, ['-ac', '2', '-ar', '48000', '-c:a', 'pcm_s16le'])],
    ['an Ogg Vorbis file', 'speech.ogg', loudSine(4, ['-c:a', 'libvorbis'])],
    ['a FLAC file', 'tone.flac', loudSine(3, ['-c:a', 'flac'])],
  ])('accepts %s and normalises it to the same profile', async (_what, name, args) => {
    const source = await ffmpeg(work, name, args);
    const res = await uploadPath(server, source, { fields: fields() });
    expect(res.status).toBe(202);
    expect(res.body.title).toBe(name.replace(/\.\w+$/, ''));
    const asset = await settled(server, res.body.id);
    expect(asset.status).toBe('ready');
    const [rendition] = asset.renditions;
    const served = await fetchBytes(signer.url(rendition.id, Date.now() + 60_000));
    expect(sha256(served.body)).toBe(rendition.sha256);
    const file = join(work, `${name}.out.mp3`);
    await writeFile(file, served.body);
    expect(await ffprobe(file)).toMatchObject({ codec_name: 'mp3', channels: 1, sample_rate: '44100' });
    expect(Math.abs((await integratedLoudness(file)) - -16)).toBeLessThanOrEqual(1);
  });

  it('shows transcoding progress while it runs, then 100 when ready', async () => {
    const source = await ffmpeg(work, 'long.mp3', [
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=color=pink:amplitude=0.3:duration=120',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '64k',
    ]);
    const res = await uploadPath(server, source, { fields: fields() });
    expect(res.status).toBe(202);
    const seen = new Set<number>();
    const asset = await settledWatching(res.body.id, (a) => seen.add(a.progress));
    expect(asset.status).toBe('ready');
    expect(asset.progress).toBe(100);
    expect([...seen].some((p) => p > 0 && p < 100)).toBe(true);
    // Progress only moves forward.
    const values = [...seen];
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });

  async function settledWatching(id: string, watch: (a: Asset) => void): Promise<Asset> {
    for (;;) {
      const res = await getAsset(server, id);
      watch(res.body);
      if (res.body.status !== 'processing') return res.body;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('documents every field it returns, and every query parameter it takes, in the OpenAPI document', async () => {
    interface Schema {
      properties?: Record<string, Schema>;
      $ref?: string;
      allOf?: Schema[];
      items?: Schema;
    }
    const doc = (
      await request<{
        paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
        components: { schemas: Record<string, Schema> };
      }>('GET', server.url('/api/docs-json'))
    ).body;
    const refName = (s: Schema | undefined) =>
      (s?.$ref ?? s?.allOf?.[0]?.$ref ?? s?.items?.$ref)?.split('/').pop();
    const undocumented = (value: unknown, name: string, path = name): string[] => {
      if (value === null || typeof value !== 'object') return [];
      const props = doc.components.schemas[name]?.properties ?? {};
      return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => {
        if (!props[key]) return [`${path}.${key}`];
        const nested = refName(props[key]);
        if (!nested) return [];
        return (Array.isArray(inner) ? inner : [inner]).flatMap((v) =>
          undocumented(v, nested, `${path}.${key}`),
        );
      });
    };
    const list = await request('GET', server.url('/api/v1/media'));
    expect(undocumented(list.body, 'MediaPage')).toEqual([]);
    expect(undocumented(ready, 'MediaAssetView')).toEqual([]);
    const query = (doc.paths['/api/v1/media'].get.parameters ?? []).map((p) => p.name).sort();
    expect(query).toEqual(['order', 'page', 'pageSize', 'q', 'status', 'unitId']);
    expect(Object.keys(doc.components.schemas.UpdateMediaDto.properties ?? {})).toEqual(['title']);
    expect(Object.keys(doc.paths['/media/r/{renditionId}']).sort()).toEqual(['get', 'head']);
  });

  describe('refuses what is not decodable audio, keeping nothing', () => {
    let before: { total: number; files: string[] };
    const snapshot = async () => ({
      total: (await request<{ total: number }>('GET', server.url('/api/v1/media?pageSize=1'))).body.total,
      files: await filesUnder(mediaDir),
    });
    beforeAll(async () => {
      await settledAll();
      before = await snapshot();
    });
    afterAll(async () => {
      const after = await snapshot();
      expect(after.total).toBe(before.total);
      expect(after.files).toEqual(before.files);
      expect(after.files.filter((f) => f.startsWith('tmp/'))).toEqual([]);
    });

    async function settledAll() {
      const list = await request<{ items: Asset[] }>('GET', server.url('/api/v1/media?status=processing'));
      for (const a of list.body.items) await settled(server, a.id);
    }

    const cases: [string, () => Promise<Buffer>, RegExp][] = [
      [
        'a text file named .mp3',
        async () => Buffer.from('Thông báo: họp thôn lúc 8 giờ\n'),
        /file is text, not audio/,
      ],
      [
        'a PNG image',
        async () =>
          readFile(
            await ffmpeg(work, 'img.png', ['-f', 'lavfi', '-i', 'color=c=red:s=16x16', '-frames:v', '1']),
          ),
        /file is a PNG image, not audio/,
      ],
      [
        'a truncated MP3',
        async () => {
          const whole = await readFile(
            await ffmpeg(work, 'whole.mp3', loudSine(6, ['-c:a', 'libmp3lame', '-b:a', '128k'])),
          );
          return whole.subarray(0, Math.floor(whole.length / 2));
        },
        /file is truncated: it announces 6\.\d s of audio but only [23]\.\d s decode/,
      ],
      [
        'the first bytes of an MP3',
        async () =>
          (await readFile(await ffmpeg(work, 'cut.mp3', loudSine(3, ['-c:a', 'libmp3lame'])))).subarray(
            0,
            600,
          ),
        /file is (not readable audio|corrupt|truncated)/,
      ],
      [
        'an MP3 with garbage in the middle',
        async () => {
          const data = Buffer.from(
            await readFile(
              await ffmpeg(work, 'mid.mp3', loudSine(5, ['-c:a', 'libmp3lame', '-b:a', '128k'])),
            ),
          );
          randomBytes(20_000).copy(data, 20_000);
          return data;
        },
        /file is corrupt: its audio does not decode cleanly/,
      ],
      [
        'an MP4 video without sound',
        async () =>
          readFile(
            await ffmpeg(work, 'silent-video.mp4', [
              '-f',
              'lavfi',
              '-i',
              'testsrc=duration=1:size=64x64:rate=10',
              '-c:v',
              'libx264',
              '-pix_fmt',
              'yuv420p',
            ]),
          ),
        /file has no audio stream \(it holds video: h264\)/,
      ],
      ['an empty file', async () => Buffer.alloc(0), /file is empty/],
      [
        'a WAV with no samples',
        async () =>
          readFile(
            await ffmpeg(work, 'zero.wav', ['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '0']),
          ),
        /file has no audio to play \(duration 0\)/,
      ],
      [
        'a 16-channel WAV',
        async () =>
          readFile(await ffmpeg(work, 'many.wav', ['-f', 'lavfi', '-i', 'sine=duration=1', '-ac', '16'])),
        /file has 16 audio channels; at most 8 are accepted/,
      ],
      [
        'random bytes',
        async () => randomBytes(50_000),
        /file is not (readable audio|in an accepted audio format)/,
      ],
    ];

    it.each(cases)('%s → 422 naming file', async (_what, make, message) => {
      const res = await upload(server, await make(), { filename: 'notice.mp3', fields: fields() });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'file', rule: 'audio' })]);
      expect(res.body.errors![0].message).toMatch(message);
      expect(res.body.message).toMatch(message);
    });

    it('refuses an upload over MEDIA_MAX_UPLOAD_MB with 413 and deletes the partial file', async () => {
      const res = await upload(server, randomBytes(3 * 1_048_576 - 10_000), {
        filename: 'big.wav',
        fields: fields(),
      });
      expect(res.status).toBe(413);
      expect(res.body.message).toMatch(/file is larger than the limit of 2 MiB/);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'file' })]);
    });

    it('deletes the partial file when the client goes away mid-upload', async () => {
      const boundary = 'loa-boundary';
      const req = httpRequest(server.url('/api/v1/media'), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${server.adminToken}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
      });
      req.on('error', () => undefined);
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\n` +
          'Content-Type: audio/mpeg\r\n\r\n',
      );
      req.write(randomBytes(200_000));
      await eventually(async () => (await filesUnder(mediaDir)).some((f) => f.startsWith('tmp/upload-')));
      req.destroy();
      await eventually(async () => !(await filesUnder(mediaDir)).some((f) => f.startsWith('tmp/')));
    });

    it('refuses a declared Content-Length far over the limit before reading it', async () => {
      const body = Buffer.alloc(4 * 1_048_576, 0x41);
      const res = await fetch(server.url('/api/v1/media'), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${server.adminToken}`,
          'content-type': 'multipart/form-data; boundary=xyz',
        },
        body,
      });
      expect(res.status).toBe(413);
    });

    const tone = () => readFile(join(work, 'loud.mp3'));

    type Attempt = [string, () => Promise<unknown>, number, string, RegExp];
    it.each(
      (
        [
          [
            'no file',
            async () => upload(server, null, { fields: { ...fields(), title: 'x' } }),
            400,
            'file',
            /file is required/,
          ],
          [
            'two files',
            async () =>
              upload(server, await tone(), {
                fields: fields(),
                extraFiles: [['file', await tone(), 'b.mp3']],
              }),
            400,
            'file',
            /send one file only/,
          ],
          [
            'an unknown field',
            async () => upload(server, await tone(), { fields: { ...fields(), priority: 'high' } }),
            400,
            'priority',
            /property priority should not exist/,
          ],
          [
            'the file in another field',
            async () => upload(server, await tone(), { fields: fields(), fileField: 'audio' }),
            400,
            'audio',
            /send the audio in the field "file"/,
          ],
          [
            'a title too long',
            async () => upload(server, await tone(), { fields: { ...fields(), title: 'x'.repeat(201) } }),
            400,
            'title',
            /at most 200 characters/,
          ],
          [
            'a blank title',
            async () => upload(server, await tone(), { fields: { ...fields(), title: '   ' } }),
            400,
            'title',
            /must not be empty/,
          ],
          [
            'a unitId that is not a UUID',
            async () => upload(server, await tone(), { fields: { unitId: 'x' } }),
            400,
            'unitId',
            /must be a UUID/,
          ],
          [
            'an unknown unit',
            async () => upload(server, await tone(), { fields: { unitId: randomUUID() } }),
            400,
            'unitId',
            /is not a known province, district or commune/,
          ],
          [
            'no unit from an account without a scope',
            async () => upload(server, await tone()),
            400,
            'unitId',
            /unitId is required for an account without a scope/,
          ],
          [
            'a JSON body',
            async () => request('POST', server.url('/api/v1/media'), { file: 'x', unitId }),
            415,
            'file',
            /send multipart\/form-data with the audio in the field "file"/,
          ],
          [
            'a text body',
            async () =>
              request('POST', server.url('/api/v1/media'), 'hello', { 'content-type': 'text/plain' }),
            415,
            'file',
            /multipart\/form-data/,
          ],
        ] as Attempt[]
      ).map(([what, send, status, field, message]) => ({ what, send, status, field, message })),
    )('$what → $status naming $field', async ({ send, status, field, message }) => {
      const res = (await send()) as {
        status: number;
        body: { message: string; errors?: { field: string }[] };
      };
      expect(res.status).toBe(status);
      expect(res.body.errors?.map((e) => e.field)).toContain(field);
      expect(res.body.message).toMatch(message);
    });

    it('refuses a multipart body without a boundary as malformed', async () => {
      const res = await request('POST', server.url('/api/v1/media'), 'abc', {
        'content-type': 'multipart/form-data',
      });
      expect(res.status).toBe(400);
    });
  });

  describe('delivery by signed URL', () => {
    const url = () => signer.url(ready.renditions[0].id, Date.now() + 60_000);
    const size = () => ready.renditions[0].size;

    it('serves the whole file with an ETag, Accept-Ranges and a long cache lifetime', async () => {
      const res = await fetchBytes(url());
      expect(res.status).toBe(200);
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('etag')).toBe(`"${ready.renditions[0].sha256}"`);
      expect(res.headers.get('content-length')).toBe(String(size()));
      expect(res.headers.get('cache-control')).toMatch(/max-age=\d+, immutable/);
      expect(url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/r\/[0-9a-f-]{36}\?exp=\d+&sig=[\w-]+$/);
    });

    it.each([
      ['the first bytes', 'bytes=0-99', 0, 99],
      ['the middle', 'bytes=1000-1999', 1000, 1999],
      ['a suffix', 'bytes=-100', -100, -1],
      ['an open end', 'bytes=5000-', 5000, -1],
      ['a range past the end, clipped', 'bytes=100-99999999', 100, -1],
    ])('answers 206 with %s', async (_what, range, from, to) => {
      const start = from < 0 ? size() + from : from;
      const end = to < 0 ? size() - 1 : to;
      const res = await fetchBytes(url(), { range });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size()}`);
      expect(res.body.equals(readyBytes.subarray(start, end + 1))).toBe(true);
    });

    it('answers 416 to a range outside the file', async () => {
      const res = await fetchBytes(url(), { range: `bytes=${size()}-` });
      expect(res.status).toBe(416);
      expect(res.headers.get('content-range')).toBe(`bytes */${size()}`);
      expect(JSON.parse(res.body.toString())).toMatchObject({ statusCode: 416 });
    });

    it('sends the whole file when If-Range does not match, the range when it does', async () => {
      const stale = await fetchBytes(url(), { range: 'bytes=0-9', 'if-range': '"0000"' });
      expect(stale.status).toBe(200);
      expect(stale.body.length).toBe(size());
      const fresh = await fetchBytes(url(), {
        range: 'bytes=0-9',
        'if-range': `"${ready.renditions[0].sha256}"`,
      });
      expect(fresh.status).toBe(206);
      expect(fresh.body.length).toBe(10);
    });

    it('answers 304 to If-None-Match with the ETag', async () => {
      const res = await fetchBytes(url(), { 'if-none-match': `"${ready.renditions[0].sha256}"` });
      expect(res.status).toBe(304);
      expect(res.body.length).toBe(0);
    });

    it('answers HEAD with the headers only', async () => {
      const res = await fetchBytes(url(), { range: 'bytes=0-9' }, 'HEAD');
      expect(res.status).toBe(206);
      expect(res.headers.get('content-length')).toBe('10');
      expect(res.body.length).toBe(0);
    });

    it('refuses an expired or tampered URL with 403, and an unknown rendition with 404', async () => {
      const id = ready.renditions[0].id;
      const expired = await fetchBytes(signer.url(id, Date.now() - 1000));
      expect(expired.status).toBe(403);
      expect(JSON.parse(expired.body.toString())).toMatchObject({
        statusCode: 403,
        message: expect.stringMatching(/expired/),
      });

      const good = new URL(url());
      const tampered = [
        (() => {
          const u = new URL(good);
          u.searchParams.set('exp', String(Number(u.searchParams.get('exp')) + 3600));
          return u;
        })(),
        (() => {
          const u = new URL(good);
          const sig = u.searchParams.get('sig')!;
          u.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
          return u;
        })(),
        new URL(good.toString().replace(id, randomUUID())),
        (() => {
          const u = new URL(good);
          u.searchParams.delete('sig');
          return u;
        })(),
      ];
      for (const u of tampered) {
        const res = await fetchBytes(u.toString());
        expect(res.status).toBe(403);
        expect(JSON.parse(res.body.toString())).toMatchObject({ message: 'invalid media URL signature' });
      }
      const unknown = await fetchBytes(signer.url(randomUUID(), Date.now() + 60_000));
      expect(unknown.status).toBe(404);
    });

    it('lets a signed-in user download the rendition, with ranges, and no one else', async () => {
      const path = server.url(`/api/v1/media/${ready.id}/file`);
      const auth = { authorization: `Bearer ${server.adminToken}` };
      const whole = await fetchBytes(path, auth);
      expect(whole.status).toBe(200);
      expect(whole.body.equals(readyBytes)).toBe(true);
      const part = await fetchBytes(path, { ...auth, range: 'bytes=-100' });
      expect(part.status).toBe(206);
      expect(part.body.equals(readyBytes.subarray(-100))).toBe(true);
      expect((await fetchBytes(path)).status).toBe(401);
    });

    it('counts bytes served and finished jobs in /metrics', async () => {
      expect(
        await metric(server.httpUrl, 'loa_media_bytes_served_total', { route: 'signed' }),
      ).toBeGreaterThan(size());
      expect(
        await metric(server.httpUrl, 'loa_media_transcode_jobs_total', { result: 'ready' }),
      ).toBeGreaterThanOrEqual(5);
      expect(
        await metric(server.httpUrl, 'loa_media_uploads_refused_total', { reason: 'not_audio' }),
      ).toBeGreaterThan(0);
    });
  });
});
