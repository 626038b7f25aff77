import { startTestServer, type TestServer } from '../support/test-server';
import { request } from '../support/http';
import { createCluster, importLangSon, type ErrorBody, type Page, type Unit } from './fixtures';

interface Station {
  id: string;
  communeId: string;
  commune: { id: string; code: string; name: string } | null;
  name: string;
  address: string | null;
  phone: string | null;
  isIp: boolean;
  establishedOn: string | null;
}

describe('registry: stations', () => {
  let server: TestServer;
  let byCode: (code: string) => Promise<Unit>;
  const stations = (query = '') => request<Page<Station>>('GET', server.url(`/api/v1/stations?${query}`));
  const create = (body: Record<string, unknown>) =>
    request<Station & ErrorBody>('POST', server.url('/api/v1/stations'), body);

  beforeAll(async () => {
    server = await startTestServer();
    ({ byCode } = await importLangSon(server));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('registers the station of a commune', async () => {
    const commune = await byCode('05971');
    const res = await create({
      communeId: commune.id,
      name: 'Đài truyền thanh phường Hoàng Văn Thụ',
      address: 'Số 1 Lê Lợi',
      phone: '0205 3871 234',
      establishedOn: '2023-06-01',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      communeId: commune.id,
      commune: { code: '05971', name: 'Phường Hoàng Văn Thụ' },
      name: 'Đài truyền thanh phường Hoàng Văn Thụ',
      isIp: true,
      establishedOn: '2023-06-01',
    });
    const got = await request<Station>('GET', server.url(`/api/v1/stations/${res.body.id}`));
    expect(got.body).toMatchObject({ id: res.body.id, phone: '0205 3871 234' });
  });

  it('refuses a second station in the same commune with 409', async () => {
    const commune = await byCode('05971');
    const res = await create({ communeId: commune.id, name: 'Đài thứ hai' });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(
      /Phường Hoàng Văn Thụ \(05971\) already has a station.*one station per commune/,
    );
    expect((await stations(`unitId=${commune.id}`)).body.total).toBe(1);
  });

  it('refuses a unit that is not a commune, an unknown one, and bad fields, naming the field', async () => {
    const district = await byCode('178');
    const notCommune = await create({ communeId: district.id, name: 'Đài huyện' });
    expect(notCommune.status).toBe(400);
    expect(notCommune.body.errors).toEqual([
      expect.objectContaining({
        field: 'communeId',
        rule: 'isCommune',
        message: expect.stringMatching(/is a district/),
      }),
    ]);
    const unknown = await create({ communeId: '00000000-0000-4000-8000-000000000000', name: 'Đài ma' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors![0]).toMatchObject({ field: 'communeId', rule: 'exists' });
    const commune = await byCode('05974');
    const bad = await create({
      communeId: commune.id,
      name: '',
      phone: 'call me',
      establishedOn: '2023-02-30',
      isIp: 'yes',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors!.map((e) => `${e.field}:${e.rule}`).sort()).toEqual([
      'establishedOn:isDateOnly',
      'isIp:isBoolean',
      'name:isLength',
      'phone:matches',
    ]);
    const extra = await create({ communeId: commune.id, name: 'Đài', manager: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.body.errors![0]).toMatchObject({ field: 'manager', rule: 'whitelistValidation' });
  });

  it('lists stations under any unit above them (province, district, commune), paged', async () => {
    // Stations in three communes of two districts (178: 05971 already has one; 180: 05998, 06001).
    for (const code of ['05998', '06001', '05986']) {
      const commune = await byCode(code);
      expect((await create({ communeId: commune.id, name: `Đài truyền thanh ${commune.name}` })).status).toBe(
        201,
      );
    }
    const province = await byCode('20');
    const city = await byCode('178');
    const trangDinh = await byCode('180');
    const codes = async (query: string) =>
      (await stations(query)).body.items.map((s) => s.commune?.code).sort();
    expect(await codes(`unitId=${province.id}`)).toEqual(['05971', '05986', '05998', '06001']);
    expect(await codes(`unitId=${city.id}`)).toEqual(['05971', '05986']);
    expect(await codes(`unitId=${trangDinh.id}`)).toEqual(['05998', '06001']);
    expect(await codes(`unitId=${(await byCode('06001')).id}`)).toEqual(['06001']);
    expect(await codes(`unitId=${(await byCode('06004')).id}`)).toEqual([]);

    const page1 = await stations(`unitId=${province.id}&pageSize=3&sort=name`);
    const page2 = await stations(`unitId=${province.id}&pageSize=3&sort=name&page=2`);
    expect(page1.body).toMatchObject({ total: 4, page: 1, pageSize: 3 });
    expect(page1.body.items).toHaveLength(3);
    expect(page2.body.items).toHaveLength(1);
    const names = [...page1.body.items, ...page2.body.items].map((s) => s.name);
    expect(new Set(names).size).toBe(4);
    expect((await stations('q=hoang%20dong')).body.items.map((s) => s.commune?.code)).toEqual(['05986']);
  });

  it('changes a station, clearing optional fields with null, and keeps the commune fixed', async () => {
    const commune = await byCode('05998');
    const station = (await stations(`unitId=${commune.id}`)).body.items[0];
    const res = await request<Station>('PATCH', server.url(`/api/v1/stations/${station.id}`), {
      name: 'Đài truyền thanh xã Khánh Long',
      phone: '+84 205 3880 000',
      isIp: false,
      address: null,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Đài truyền thanh xã Khánh Long', isIp: false, address: null });
    expect((await stations('isIp=false')).body.items.map((s) => s.id)).toEqual([station.id]);
    const move = await request<ErrorBody>('PATCH', server.url(`/api/v1/stations/${station.id}`), {
      communeId: (await byCode('06004')).id,
    });
    expect(move.status).toBe(400);
    expect(move.body.errors![0]).toMatchObject({ field: 'communeId', rule: 'whitelistValidation' });
    const nullName = await request<ErrorBody>('PATCH', server.url(`/api/v1/stations/${station.id}`), {
      name: null,
    });
    expect(nullName.status).toBe(400);
    expect(nullName.body.errors![0].field).toBe('name');
  });

  it('gives new clusters the station of their commune, and links clusters registered before it', async () => {
    const commune = await byCode('06004');
    const before = await createCluster(server, {
      code: 'ST-1',
      name: 'Cụm trước',
      kind: 'fm_wired',
      communeId: commune.id,
    });
    expect(before.cluster.stationId).toBeNull();
    const station = await create({ communeId: commune.id, name: 'Đài truyền thanh xã Quốc Khánh' });
    expect(station.status).toBe(201);
    const linked = await request<{ stationId: string }>(
      'GET',
      server.url(`/api/v1/clusters/${before.cluster.id}`),
    );
    expect(linked.body.stationId).toBe(station.body.id);
    const after = await createCluster(server, {
      code: 'ST-2',
      name: 'Cụm sau',
      kind: 'fm_wired',
      communeId: commune.id,
    });
    expect(after.cluster.stationId).toBe(station.body.id);
  });

  it('deletes a station; its clusters stay, without one', async () => {
    const commune = await byCode('06004');
    const station = (await stations(`unitId=${commune.id}`)).body.items[0];
    const del = await request('DELETE', server.url(`/api/v1/stations/${station.id}`));
    expect(del.status).toBe(204);
    expect((await request('GET', server.url(`/api/v1/stations/${station.id}`))).status).toBe(404);
    const clusters = await request<Page<{ code: string; stationId: string | null }>>(
      'GET',
      server.url(`/api/v1/clusters?unitId=${commune.id}`),
    );
    expect(clusters.body.items.map((c) => [c.code, c.stationId])).toEqual([
      ['ST-1', null],
      ['ST-2', null],
    ]);
    expect((await request('DELETE', server.url(`/api/v1/stations/${station.id}`))).status).toBe(404);
  });

  it('answers 404 for unknown ids and 400 for ids that are not UUIDs', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await request('GET', server.url(`/api/v1/stations/${missing}`))).status).toBe(404);
    expect((await request('PATCH', server.url(`/api/v1/stations/${missing}`), { name: 'x' })).status).toBe(
      404,
    );
    expect((await request('GET', server.url('/api/v1/stations/123'))).status).toBe(400);
    expect((await request('GET', server.url('/api/v1/stations?unitId=abc'))).status).toBe(400);
  });
});
