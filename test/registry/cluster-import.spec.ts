import { CredentialsService } from '../../apps/server/src/registry/credentials.service';
import { startTestServer, type TestServer } from '../support/test-server';
import { request } from '../support/http';
import {
  clusterCodes,
  connectAs,
  createCluster,
  createVillage,
  importLangSon,
  type ClusterItem,
  type Page,
  type Unit,
} from './fixtures';

interface RowError {
  line: number;
  field: string;
  rule: string;
  message: string;
}
interface ImportBody {
  statusCode?: number;
  message?: string;
  imported: number;
  rows?: number;
  errors: RowError[];
  clusters?: { code: string; id: string; line: number }[];
  credentials?: { code: string; username: string; clientId: string; password: string }[];
  brokerUrl?: string;
}

const HEADER =
  'code,name,kind,lifecycle,commune_code,village_code,latitude,longitude,address,vendor,model,firmware,serial,msisdn,iccid,installed_on,notes';

describe('registry: CSV import of clusters', () => {
  let server: TestServer;
  let units: Record<string, Unit>;
  const postCsv = (csv: string, query = '', contentType = 'text/csv') =>
    request<ImportBody>('POST', server.url(`/api/v1/clusters/import${query}`), csv, {
      'content-type': contentType,
    });
  const upload = async (content: string | Buffer, query = '', field = 'file') => {
    const form = new FormData();
    form.append(field, new Blob([content], { type: 'text/csv' }), 'cum-loa.csv');
    const res = await fetch(server.url(`/api/v1/clusters/import${query}`), {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    return { status: res.status, body: (await res.json()) as ImportBody };
  };
  const listed = (prefix: string) => clusterCodes(server, `q=${encodeURIComponent(prefix)}&pageSize=500`);
  const byCode = async (code: string) =>
    (
      await request<Page<ClusterItem>>('GET', server.url(`/api/v1/clusters?q=${encodeURIComponent(code)}`))
    ).body.items.find((c) => c.code === code);

  beforeAll(async () => {
    server = await startTestServer();
    const tree = await importLangSon(server);
    units = {};
    for (const code of ['05971', '05974', '05998']) units[code] = await tree.byCode(code);
    units.v1 = await createVillage(server, units['05971'].id, 'HVT-01', 'Khối 1');
    units.v2 = await createVillage(server, units['05998'].id, 'KL-01', 'Thôn Nà Pàn');
    await createCluster(server, {
      code: 'DB-EXISTS',
      name: 'Đã có',
      kind: 'fm_wired',
      communeId: units['05974'].id,
    });
    await request('POST', server.url('/api/v1/stations'), {
      communeId: units['05971'].id,
      name: 'Đài truyền thanh phường Hoàng Văn Thụ',
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('imports a clean file in one go, with the credentials of its IP clusters', async () => {
    const csv = [
      HEADER,
      'OK-001,Cụm loa Khối 1 – chợ Đông Kinh,ip,active,05971,HVT-01,21.8537,106.7615,Số 1 Lê Lợi,Hanet,HN-IP4G,2.1.0,SN1,+84912345678,8984049000123456789F,2024-11-30,"Lắp trên cột điện, gần chợ"',
      'OK-002,Cụm loa Nà Pàn,fm_wired,,05998,KL-01,,,,,,,,,,15/03/2015,',
      'OK-003,Cụm loa Tam Thanh,IP,planned,05974,,,,,,,,,,,,',
    ].join('\n');
    const res = await postCsv(csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ imported: 3, rows: 3, errors: [], brokerUrl: server.mqttUrl });
    expect(res.body.clusters!.map((c) => [c.code, c.line])).toEqual([
      ['OK-001', 2],
      ['OK-002', 3],
      ['OK-003', 4],
    ]);
    const ids = Object.fromEntries(res.body.clusters!.map((c) => [c.code, c.id]));
    expect(res.body.credentials).toEqual([
      { code: 'OK-001', username: ids['OK-001'], clientId: ids['OK-001'], password: expect.any(String) },
      { code: 'OK-003', username: ids['OK-003'], clientId: ids['OK-003'], password: expect.any(String) },
    ]);

    expect(await listed('OK-')).toEqual(['OK-001', 'OK-002', 'OK-003']);
    const first = await request<ClusterItem>('GET', server.url(`/api/v1/clusters/${ids['OK-001']}`));
    expect(first.body).toMatchObject({
      name: 'Cụm loa Khối 1 – chợ Đông Kinh',
      kind: 'ip',
      communeId: units['05971'].id,
      villageId: units.v1.id,
      stationId: expect.any(String),
      latitude: 21.8537,
      longitude: 106.7615,
      msisdn: '+84912345678',
      installedOn: '2024-11-30',
      notes: 'Lắp trên cột điện, gần chợ',
    });
    expect(await byCode('OK-002')).toMatchObject({
      kind: 'fm_wired',
      lifecycle: 'active',
      installedOn: '2015-03-15',
      villageId: units.v2.id,
    });
    expect(await byCode('OK-003')).toMatchObject({ kind: 'ip', lifecycle: 'planned', stationId: null });

    const device = await connectAs(server, ids['OK-003'], res.body.credentials![1].password);
    expect(device.connected).toBe(true);
    await device.endAsync(true);
    // Credentials issued in bulk are checked by the same service as those issued one by one.
    const credentials = server.app.get(CredentialsService);
    for (const c of res.body.credentials!) {
      expect(await credentials.verify(c.username, c.password)).toBe('ok');
      expect(await credentials.verify(c.username, `${c.password}x`)).toBe('bad_credentials');
    }
  });

  it('reports every bad row by line and column, and writes nothing', async () => {
    const csv = [
      HEADER, // 1
      'BAD-001,Cụm tốt,fm_wired,,05971,,,,,,,,,,,,', // 2: good
      'BAD-002,Cụm loại lạ,xyz,,05971,,,,,,,,,,,,', // 3: kind
      'BAD-003,Cụm xã lạ,ip,,99999,,,,,,,,,,,,', // 4: commune
      'BAD-004,Cụm thôn lạ,ip,,05971,KL-01,,,,,,,,,,,', // 5: village of another commune
      'BAD-001,Cụm trùng mã,ip,,05971,,,,,,,,,,,,', // 6: code repeated in the file
      'DB-EXISTS,Cụm đã có,ip,,05971,,,,,,,,,,,,', // 7: code already registered
      'BAD-007,Cụm thiếu kinh độ,ip,,05971,,21.85,,,,,,,,,,', // 8: latitude without longitude
      'BAD-008,Cụm thiếu cột,ip', // 9: too few fields
      ',,ip,,05971,,,,,,,,,,,2024-02-30,', // 10: no code, no name, impossible date
      'BAD-010,Cụm sai số,ip,retired,05971,,91,200,,,,,,12ab,123,,', // 11: lifecycle, latitude, longitude, msisdn, iccid
    ].join('\r\n');
    const res = await postCsv(csv);
    expect(res.status).toBe(422);
    expect(res.body.imported).toBe(0);
    expect(res.body.message).toBe('9 of 10 row(s) have errors; nothing was imported');
    const got = res.body.errors.map((e) => `${e.line}:${e.field}`);
    expect(got).toEqual(
      expect.arrayContaining([
        '3:kind',
        '4:commune_code',
        '5:village_code',
        '6:code',
        '7:code',
        '8:longitude',
        '9:row',
        '10:code',
        '10:name',
        '10:installed_on',
        '11:lifecycle',
        '11:latitude',
        '11:longitude',
        '11:msisdn',
        '11:iccid',
      ]),
    );
    expect(new Set(res.body.errors.map((e) => e.line))).toEqual(new Set([3, 4, 5, 6, 7, 8, 9, 10, 11]));
    const byLine = (line: number, field: string) =>
      res.body.errors.find((e) => e.line === line && e.field === field)!;
    expect(byLine(3, 'kind')).toMatchObject({
      rule: 'isIn',
      message: expect.stringMatching(/kind must be one of/),
    });
    expect(byLine(4, 'commune_code').message).toMatch(/no pre_2025 commune has code 99999/);
    expect(byLine(5, 'village_code').message).toMatch(/has no village with code KL-01/);
    expect(byLine(6, 'code').message).toBe('code BAD-001 is also on line 2');
    expect(byLine(7, 'code').message).toBe('a cluster with code DB-EXISTS already exists');
    expect(byLine(9, 'row').message).toMatch(/3 fields, the header has 17/);
    expect(byLine(10, 'installed_on').message).toMatch(/^installed_on must be a date/);
    expect(await listed('BAD-')).toEqual([]);
    expect(await listed('DB-EXISTS')).toEqual(['DB-EXISTS']);
  });

  it('with partial=true imports the good rows and reports the others', async () => {
    const csv = [
      HEADER,
      'PART-001,Cụm một,fm_wired,,05971,,,,,,,,,,,,',
      'PART-002,Cụm hai,fm_wireless,broken,05971,,,,,,,,,,,,',
      'PART-003,Cụm ba,ip,,05974,,,,,,,,,,,,',
      'PART-004,Cụm bốn,ip,,00000,,,,,,,,,,,,',
    ].join('\n');
    const res = await postCsv(csv, '?partial=true');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ imported: 2, rows: 4 });
    expect(res.body.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'lifecycle'],
      [5, 'commune_code'],
    ]);
    expect(res.body.clusters!.map((c) => c.code)).toEqual(['PART-001', 'PART-003']);
    expect(res.body.credentials!.map((c) => c.code)).toEqual(['PART-003']);
    expect(await listed('PART-')).toEqual(['PART-001', 'PART-003']);

    const allBad = await postCsv(
      [HEADER, 'PART-009,Cụm chín,xyz,,05971,,,,,,,,,,,,'].join('\n'),
      '?partial=true',
    );
    expect(allBad.status).toBe(422);
    expect(allBad.body.imported).toBe(0);
  });

  it('with dryRun=true checks everything and writes nothing', async () => {
    const res = await postCsv([HEADER, 'DRY-001,Cụm thử,ip,,05971,,,,,,,,,,,,'].join('\n'), '?dryRun=true');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ imported: 0, rows: 1, errors: [], credentials: [] });
    expect(await listed('DRY-')).toEqual([]);
  });

  it('accepts a multipart upload in the field "file"', async () => {
    const res = await upload([HEADER, 'UP-001,Cụm tải lên,ip,,05998,KL-01,,,,,,,,,,,'].join('\n'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ imported: 1, errors: [] });
    expect(res.body.credentials).toHaveLength(1);
    expect(await byCode('UP-001')).toMatchObject({ name: 'Cụm tải lên', villageId: units.v2.id });

    const wrongField = await upload(
      [HEADER, 'UP-002,Cụm,ip,,05998,,,,,,,,,,,,'].join('\n'),
      '',
      'attachment',
    );
    expect(wrongField.status).toBe(400);
    const bad = await upload([HEADER, 'UP-003,Cụm,xyz,,05998,,,,,,,,,,,,'].join('\n'));
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ line: 2, field: 'kind' });
    expect(await listed('UP-')).toEqual(['UP-001']);
  });

  it('handles a BOM, Windows line ends, quoted line breaks, extra blank lines and Vietnamese text', async () => {
    const csv =
      '\uFEFFcode,name,kind,commune_code,notes\r\n' +
      'BOM-001,"Cụm loa ""Bản Mới""",fm_wired,05971,"dòng một\r\ndòng hai"\r\n' +
      '\r\n' +
      'BOM-002,Cụm loa Ải Chi Lăng,fm_wireless,05971,Ổn định\r\n' +
      'BOM-003,Cụm lỗi,xyz,05971,\r\n';
    const failed = await postCsv(csv);
    expect(failed.status).toBe(422);
    // Line 2–3 is one quoted record, line 4 is blank: the bad record starts on line 6.
    expect(failed.body.errors).toEqual([expect.objectContaining({ line: 6, field: 'kind' })]);
    const res = await upload(Buffer.from(csv.replace('BOM-003,Cụm lỗi,xyz', 'BOM-003,Cụm lỗi,ip'), 'utf8'));
    expect(res.status).toBe(201);
    expect(res.body.clusters!.map((c) => [c.code, c.line])).toEqual([
      ['BOM-001', 2],
      ['BOM-002', 5],
      ['BOM-003', 6],
    ]);
    const first = await byCode('BOM-001');
    expect(first).toMatchObject({ name: 'Cụm loa "Bản Mới"', notes: 'dòng một\ndòng hai' });
    expect((await byCode('BOM-002'))?.notes).toBe('Ổn định');
  });

  it('reads a semicolon-separated file with decimal commas, as Vietnamese-locale spreadsheets write it', async () => {
    const res = await postCsv(
      'code;name;kind;commune_code;latitude;longitude\nSEMI-001;Cụm chấm phẩy;fm_wired;05971;21,8537;106,7615\n',
    );
    expect(res.status).toBe(201);
    expect(await byCode('SEMI-001')).toMatchObject({ latitude: 21.8537, longitude: 106.7615 });
  });

  it('finds communes of the post-2025 tree when the era column says so', async () => {
    const province = await request<Unit>('POST', server.url('/api/v1/units'), {
      level: 'province',
      era: 'post_2025',
      code: '20',
      name: 'Tỉnh Lạng Sơn',
    });
    await request<Unit>('POST', server.url('/api/v1/units'), {
      level: 'commune',
      era: 'post_2025',
      code: '05971',
      name: 'Phường Lương Văn Tri',
      parentId: province.body.id,
    });
    const res = await postCsv(
      [
        'code,name,kind,commune_code,era',
        'ERA-001,Cụm mới,ip,05971,post_2025',
        'ERA-002,Cụm cũ,ip,05971,',
        'ERA-003,Cụm sai,ip,05971,2030',
      ].join('\n'),
      '?partial=true',
    );
    expect(res.status).toBe(201);
    expect(res.body.errors).toEqual([expect.objectContaining({ line: 4, field: 'era' })]);
    expect((await byCode('ERA-001'))?.commune).toMatchObject({ name: 'Phường Lương Văn Tri' });
    expect((await byCode('ERA-002'))?.commune).toMatchObject({ name: 'Phường Hoàng Văn Thụ' });
  });

  it('refuses unknown and missing columns, naming them', async () => {
    const unknown = await postCsv('code,name,kind,commune_code,colour,size\nX-1,Cụm,ip,05971,red,big\n');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/unknown column\(s\): colour, size/);
    expect(unknown.body.errors.map((e) => e.field)).toEqual(['colour', 'size']);
    const missing = await postCsv('code,name,latitude\nX-1,Cụm,21\n');
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/missing required column\(s\): kind, commune_code/);
    const twice = await postCsv('code,name,kind,commune_code,code\nX-1,Cụm,ip,05971,X-1\n');
    expect(twice.status).toBe(400);
    expect(twice.body.message).toMatch(/repeated column\(s\): code/);
    expect(await listed('X-1')).toEqual([]);
  });

  it('refuses empty files, unreadable CSV, text that is not UTF-8 and other content types', async () => {
    expect((await postCsv('')).status).toBe(400);
    const headerOnly = await postCsv(`${HEADER}\n`);
    expect(headerOnly.status).toBe(400);
    expect(headerOnly.body.message).toMatch(/no rows/);
    const unclosed = await postCsv('code,name,kind,commune_code\nQ-1,"Cụm,ip,05971\n');
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.message).toMatch(/cannot be read/);
    // "Cụm" in Windows-1258 / Latin-1 bytes is not valid UTF-8.
    const latin1 = Buffer.concat([
      Buffer.from('code,name,kind,commune_code\nL-1,C'),
      Buffer.from([0xf9, 0x6d]),
      Buffer.from(',ip,05971\n'),
    ]);
    const notUtf8 = await upload(latin1);
    expect(notUtf8.status).toBe(400);
    expect(notUtf8.body.message).toMatch(/not UTF-8/);
    const json = await request<ImportBody>('POST', server.url('/api/v1/clusters/import'), { code: 'J-1' });
    expect(json.status).toBe(415);
    expect(json.body.message).toMatch(/text\/csv/);
    expect(await listed('L-1')).toEqual([]);
  });
});
