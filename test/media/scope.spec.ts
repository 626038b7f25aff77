import { copyFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { request } from '../support/http';
import { startTestServer, type TestServer } from '../support/test-server';
import { importLangSon, type Page, type Unit } from '../registry/fixtures';
import { childrenOf, createAccount, type Account } from '../access/support';
import { ScopeResolver } from '../../apps/server/src/access/scope-resolver.service';
import { SYSTEM, type Principal } from '../../apps/server/src/access/scope';
import { MediaService } from '../../apps/server/src/media/media.service';
import { MediaUsageRegistry } from '../../apps/server/src/media/media-usage.registry';
import { MediaUrlSigner } from '../../apps/server/src/media/media-url-signer';
import {
  ffmpeg,
  fetchBytes,
  filesUnder,
  getAsset,
  loudSine,
  settled,
  tempDir,
  uploadPath,
  type Asset,
  type ErrorBody,
} from './support';

/**
 * Who sees and changes which media: a commune's own assets stay in the commune; a province's assets are
 * usable (not changeable) by the communes under it; deleting an asset in use is refused with its uses.
 */
describe('media library: scope, renaming, deletion, and what other modules use', () => {
  let server: TestServer;
  let mediaDir: string;
  let work: string;
  let tone: string;
  let province: Unit;
  let communeA: Unit;
  let communeB: Unit;
  let operatorA: Account;
  let operatorB: Account;
  let viewerA: Account;
  let provinceAsset: Asset;
  let assetA: Asset;
  let media: MediaService;

  const as = (account: Account) => account.auth;
  const principalOf = async (unit: Unit): Promise<Principal> => ({
    kind: 'user',
    id: 'test',
    name: 'test',
    role: 'commune_operator',
    scope: await server.app.get(ScopeResolver).of(unit.id),
    ip: null,
    requestId: null,
  });

  beforeAll(async () => {
    mediaDir = await tempDir('media-scope');
    work = await tempDir('media-scope-work');
    server = await startTestServer({ mediaDir, transcodeConcurrency: 2 });
    media = server.app.get(MediaService);
    await importLangSon(server);
    province = (await request<Page<Unit>>('GET', server.url('/api/v1/units?level=province&code=20'))).body
      .items[0];
    const [districtA, districtB] = await childrenOf(server, province.id, 2);
    [communeA] = await childrenOf(server, districtA.id, 1);
    [communeB] = await childrenOf(server, districtB.id, 1);
    operatorA = await createAccount(server, 'commune_operator', communeA.id);
    operatorB = await createAccount(server, 'commune_operator', communeB.id);
    viewerA = await createAccount(server, 'viewer', communeA.id);
    tone = await ffmpeg(work, 'thong-bao.mp3', loudSine(2, ['-c:a', 'libmp3lame']));

    const p = await uploadPath(server, tone, { fields: { unitId: province.id, title: 'Cảnh báo bão số 3' } });
    expect(p.status).toBe(202);
    const a = await uploadPath(server, tone, {
      headers: as(operatorA),
      fields: { title: 'Họp thôn Nà Chuông' },
    });
    expect(a.status).toBe(202);
    provinceAsset = await settled(server, p.body.id);
    assetA = await settled(server, a.body.id);
  });
  afterAll(async () => {
    await server?.close();
    await rm(mediaDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it("puts an operator's upload in the operator's commune by default", () => {
    expect(assetA).toMatchObject({ unitId: communeA.id, status: 'ready', editable: true });
  });

  it('refuses an upload for a unit outside the scope (403) and from a viewer (403), keeping nothing', async () => {
    const before = await filesUnder(mediaDir);
    for (const unitId of [communeB.id, province.id]) {
      const res = await uploadPath(server, tone, { headers: as(operatorA), fields: { unitId } });
      expect(res.status).toBe(403);
    }
    expect((await uploadPath(server, tone, { headers: as(viewerA) })).status).toBe(403);
    expect(await filesUnder(mediaDir)).toEqual(before);
  });

  it("hides a commune's asset from another commune (404 to read, change, delete or download)", async () => {
    const id = assetA.id;
    expect((await getAsset(server, id, as(operatorB))).status).toBe(404);
    expect(
      (await request('PATCH', server.url(`/api/v1/media/${id}`), { title: 'x' }, as(operatorB))).status,
    ).toBe(404);
    expect(
      (await request('DELETE', server.url(`/api/v1/media/${id}`), undefined, as(operatorB))).status,
    ).toBe(404);
    expect(
      (await request('GET', server.url(`/api/v1/media/${id}/file`), undefined, as(operatorB))).status,
    ).toBe(404);
    const list = await request<Page<Asset>>('GET', server.url('/api/v1/media'), undefined, as(operatorB));
    expect(list.body.items.map((a) => a.id)).toEqual([provinceAsset.id]);
  });

  it("lets a commune use its province's asset without changing it", async () => {
    const seen = await getAsset(server, provinceAsset.id, as(operatorA));
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ unitId: province.id, editable: false });
    const file = await fetchBytes(server.url(`/api/v1/media/${provinceAsset.id}/file`), as(operatorA));
    expect(file.status).toBe(200);
    expect(
      (await request('PATCH', server.url(`/api/v1/media/${provinceAsset.id}`), { title: 'x' }, as(operatorA)))
        .status,
    ).toBe(404);
    expect(
      (await request('DELETE', server.url(`/api/v1/media/${provinceAsset.id}`), undefined, as(operatorA)))
        .status,
    ).toBe(404);
    const list = await request<Page<Asset>>('GET', server.url('/api/v1/media'), undefined, as(operatorA));
    // Newest first.
    expect(list.body.items.map((a) => a.id)).toEqual([assetA.id, provinceAsset.id]);
  });

  it('filters the list by status, title (accents ignored) and unit', async () => {
    const ids = async (query: string) =>
      (await request<Page<Asset>>('GET', server.url(`/api/v1/media?${query}`))).body.items.map((a) => a.id);
    expect(await ids('q=canh%20bao')).toEqual([provinceAsset.id]);
    expect(await ids('q=N%C3%80%20CHU%C3%94NG')).toEqual([assetA.id]);
    expect(await ids(`unitId=${communeA.id}`)).toEqual([assetA.id]);
    expect((await ids(`unitId=${province.id}`)).sort()).toEqual([assetA.id, provinceAsset.id].sort());
    expect(await ids('status=failed')).toEqual([]);
    expect((await ids('status=ready&order=asc')).slice(0, 2)).toEqual([provinceAsset.id, assetA.id]);
    const bad = await request<ErrorBody>('GET', server.url('/api/v1/media?status=done'));
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0].field).toBe('status');
  });

  it('renames an asset of the scope, audited', async () => {
    const res = await request<Asset>(
      'PATCH',
      server.url(`/api/v1/media/${assetA.id}`),
      { title: ' Họp thôn (đổi giờ) ' },
      as(operatorA),
    );
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('Họp thôn (đổi giờ)');
    const bad = await request<ErrorBody>('PATCH', server.url(`/api/v1/media/${assetA.id}`), { title: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0].field).toBe('title');
    const audit = await request<{ items: { action: string; objectId: string }[] }>(
      'GET',
      server.url(`/api/v1/audit?objectType=media_asset&objectId=${assetA.id}`),
    );
    expect(audit.body.items.map((e) => e.action).sort()).toEqual(['media.rename', 'media.upload']);
  });

  it('tells other modules which assets a principal may use, and which files devices fetch', async () => {
    const asA = await principalOf(communeA);
    const usable = await media.findUsable(asA, [assetA.id, provinceAsset.id, assetA.id]);
    expect([...usable.keys()].sort()).toEqual([assetA.id, provinceAsset.id].sort());
    expect(usable.get(provinceAsset.id)).toMatchObject({ status: 'ready', unitPath: province.path });
    expect(usable.get(assetA.id)!.durationMs).toBeGreaterThan(1900);

    const asB = await principalOf(communeB);
    await expect(media.findUsable(asB, [provinceAsset.id, assetA.id])).rejects.toThrow(
      new NotFoundException(`media asset ${assetA.id} not found`),
    );

    const files = await media.deviceFiles([assetA.id, provinceAsset.id]);
    expect(files.get(assetA.id)).toEqual({
      assetId: assetA.id,
      renditionId: assetA.renditions[0].id,
      sha256: assetA.renditions[0].sha256,
      size: assetA.renditions[0].size,
      durationMs: assetA.renditions[0].durationMs,
    });
    expect(files.size).toBe(2);
  });

  it('imports a finished local file (a live recording) and reports when it is ready', async () => {
    const changes: [string, string][] = [];
    const unsubscribe = media.onStatusChange((id, status) => changes.push([id, status]));
    const recording = join(work, 'live-recording.ogg');
    await copyFile(await ffmpeg(work, 'live.ogg', loudSine(2, ['-c:a', 'libvorbis'])), recording);
    const view = await media.importFile(SYSTEM, recording, {
      title: 'Phát trực tiếp 24/11',
      unitId: communeA.id,
      origin: 'live',
    });
    expect(view).toMatchObject({ origin: 'live', status: 'processing', unitId: communeA.id });
    expect(await filesUnder(work)).not.toContain('live-recording.ogg');
    expect((await settled(server, view.id)).status).toBe('ready');
    expect(changes).toContainEqual([view.id, 'ready']);
    unsubscribe();
    expect((await media.deviceFiles([view.id])).size).toBe(1);

    const notAudio = join(work, 'notes.txt');
    await writeFile(notAudio, 'not audio at all');
    await expect(
      media.importFile(SYSTEM, notAudio, { title: 'x', unitId: communeA.id, origin: 'live' }),
    ).rejects.toBeInstanceOf(UnprocessableEntityException);
    expect(await filesUnder(work)).not.toContain('notes.txt');
  });

  it('refuses to delete an asset in use, listing the uses, and deletes it with its files once free', async () => {
    const registry = server.app.get(MediaUsageRegistry);
    const unregister = registry.register(async (id) =>
      id === assetA.id ? ["schedule 'Bản tin sáng' (next 2026-11-24 05:30)"] : [],
    );
    const refused = await request<ErrorBody>(
      'DELETE',
      server.url(`/api/v1/media/${assetA.id}`),
      undefined,
      as(operatorA),
    );
    expect(refused.status).toBe(409);
    expect(refused.body.uses).toEqual(["schedule 'Bản tin sáng' (next 2026-11-24 05:30)"]);
    expect(refused.body.message).toMatch(/in use: schedule 'Bản tin sáng'/);
    expect((await getAsset(server, assetA.id)).status).toBe(200);

    unregister();
    const url = server.app.get(MediaUrlSigner).url(assetA.renditions[0].id, Date.now() + 60_000);
    expect((await fetchBytes(url)).status).toBe(200);
    const files = await filesUnder(mediaDir);
    expect(files).toContain(`originals/${assetA.id}`);
    expect(files.some((f) => f.startsWith(`renditions/${assetA.id}/`))).toBe(true);

    const deleted = await request(
      'DELETE',
      server.url(`/api/v1/media/${assetA.id}`),
      undefined,
      as(operatorA),
    );
    expect(deleted.status).toBe(204);
    expect((await getAsset(server, assetA.id)).status).toBe(404);
    expect((await fetchBytes(url)).status).toBe(404);
    const left = await filesUnder(mediaDir);
    expect(left.filter((f) => f.includes(assetA.id))).toEqual([]);
    expect(left).toContain(`originals/${provinceAsset.id}`);
    const audit = await request<{ items: { action: string }[] }>(
      'GET',
      server.url(`/api/v1/audit?objectType=media_asset&objectId=${assetA.id}&action=media.delete`),
    );
    expect(audit.body.items).toHaveLength(1);
  });
});
