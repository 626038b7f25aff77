import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from '../support/http';
import { metric } from '../support/metrics';
import { createScratchDatabase, startTestServer, type TestServer } from '../support/test-server';
import { ffmpeg, filesUnder, getAsset, loudSine, settled, tempDir, uploadPath } from './support';

const createProvince = async (server: TestServer, code: string) => {
  const res = await request<{ id: string }>('POST', server.url('/api/v1/units'), {
    level: 'province',
    era: 'post_2025',
    code,
    name: `Tỉnh ${code}`,
  });
  if (res.status !== 201) throw new Error(`unit: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
};

/** Transcoding jobs that fail, and jobs interrupted by a restart. */
describe('media transcoding: failures and restarts', () => {
  let work: string;
  beforeAll(async () => {
    work = await tempDir('media-jobs');
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('ends `failed` with the reason when a profile cannot be made, keeping no rendition file', async () => {
    const mediaDir = await tempDir('media-fail');
    // 12 345 Hz is refused by the configuration parser; set directly, it is a profile LAME cannot encode.
    const server = await startTestServer({
      mediaDir,
      mediaProfiles: [
        { name: 'good', codec: 'mp3', bitrateKbps: 64, channels: 1, sampleRate: 44100 },
        { name: 'odd', codec: 'mp3', bitrateKbps: 64, channels: 1, sampleRate: 12345 as 44100 },
      ],
    });
    try {
      const unitId = await createProvince(server, '97');
      const source = await ffmpeg(work, 'tone.wav', loudSine(2));
      const res = await uploadPath(server, source, { fields: { unitId } });
      expect(res.status).toBe(202);
      const asset = await settled(server, res.body.id);
      expect(asset.status).toBe('failed');
      expect(asset.failureReason).toMatch(/sample rate 12345 is not supported/);
      expect(asset.failureReason).not.toContain(mediaDir);
      expect(asset.renditions).toEqual([]);
      // The first profile's file was made, then removed with the failure; the original stays.
      expect(await filesUnder(mediaDir)).toEqual([`originals/${asset.id}`]);
      expect(await metric(server.httpUrl, 'loa_media_transcode_jobs_total', { result: 'failed' })).toBe(1);
      const download = await request('GET', server.url(`/api/v1/media/${asset.id}/file`));
      expect(download.status).toBe(409);
      // A failed asset can be deleted like any other.
      expect((await request('DELETE', server.url(`/api/v1/media/${asset.id}`))).status).toBe(204);
      expect(await filesUnder(mediaDir)).toEqual([]);
    } finally {
      await server.close();
      await rm(mediaDir, { recursive: true, force: true });
    }
  });

  it('stops the job of an asset deleted while it is transcoded, leaving no file', async () => {
    const mediaDir = await tempDir('media-cancel');
    const server = await startTestServer({ mediaDir, transcodeConcurrency: 1 });
    try {
      const unitId = await createProvince(server, '95');
      const long = await ffmpeg(work, 'noise.mp3', [
        '-f',
        'lavfi',
        '-i',
        'anoisesrc=color=pink:amplitude=0.3:duration=90',
        '-c:a',
        'libmp3lame',
        '-b:a',
        '64k',
      ]);
      const res = await uploadPath(server, long, { fields: { unitId } });
      expect(res.status).toBe(202);
      expect((await request('DELETE', server.url(`/api/v1/media/${res.body.id}`))).status).toBe(204);
      expect(await filesUnder(mediaDir)).toEqual([]);
      expect(await metric(server.httpUrl, 'loa_media_transcode_jobs_total', { result: 'cancelled' })).toBe(1);
      expect(await metric(server.httpUrl, 'loa_media_transcode_jobs_total', { result: 'failed' })).toBe(0);
    } finally {
      await server.close();
      await rm(mediaDir, { recursive: true, force: true });
    }
  });

  it('queues assets left processing again when the server starts', async () => {
    const mediaDir = await tempDir('media-restart');
    const dataDir = await tempDir('media-restart-db');
    // Both servers must share one database: on PostgreSQL, a scratch database of this test's own.
    const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : null;
    const options = {
      mediaDir,
      dataDir,
      transcodeConcurrency: 1,
      ...(scratch ? { databaseUrl: scratch.url } : {}),
    };
    let server = await startTestServer(options);
    try {
      const unitId = await createProvince(server, '96');
      const long = await ffmpeg(work, 'long.mp3', [
        '-f',
        'lavfi',
        '-i',
        'anoisesrc=color=pink:amplitude=0.3:duration=90',
        '-c:a',
        'libmp3lame',
        '-b:a',
        '64k',
      ]);
      const first = await uploadPath(server, long, { fields: { unitId } });
      const second = await uploadPath(server, join(work, 'long.mp3'), { fields: { unitId } });
      expect([first.status, second.status]).toEqual([202, 202]);
      // One job at a time: the second waits behind a 90-second file when the server stops.
      expect((await getAsset(server, second.body.id)).body.status).toBe('processing');
      await server.stop();
      expect((await filesUnder(mediaDir)).filter((f) => f.startsWith('tmp/'))).toEqual([]);

      server = await startTestServer(options);
      for (const id of [first.body.id, second.body.id]) {
        const asset = await settled(server, id, 120_000);
        expect(asset.status).toBe('ready');
        expect(asset.renditions).toHaveLength(1);
      }
    } finally {
      await server.close();
      await rm(mediaDir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
      await scratch?.drop();
    }
  });
});
