import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { AdminUnit } from '@loa-xa/persistence';
import { startTestServer, type TestServer } from '../support/test-server';
import { request } from '../support/http';
import type { ErrorBody, Page, Unit } from './fixtures';

interface ImportResult {
  province: { id: string; code: string; name: string };
  created: number;
  updated: number;
  unchanged: number;
  districts: number;
  communes: number;
}
interface UnitDetail extends Unit {
  ancestors: { id: string; code: string; level: string; name: string }[];
  childCount: number;
}

/** Lạng Sơn as the official file has it: the expectations come from the data, not from the code under test. */
function officialLangSon() {
  const raw = JSON.parse(
    gunzipSync(readFileSync(join(__dirname, '../../libs/persistence/data/dvhcvn-2025-03.json.gz'))).toString(
      'utf8',
    ),
  ) as {
    data: {
      level1_id: string;
      name: string;
      level2s: {
        level2_id: string;
        name: string;
        type: string;
        level3s: { level3_id: string; name: string; type: string }[];
      }[];
    }[];
  };
  return raw.data.find((p) => p.level1_id === '20')!;
}
/** The registry stores names with stray spaces removed (the source has a few, e.g. "Xã  Hoàng Văn Thụ"). */
const clean = (name: string) => name.normalize('NFC').replace(/\s+/g, ' ').trim();

describe('registry: administrative units', () => {
  let server: TestServer;
  let firstImport: ImportResult;
  const units = (query: string) => request<Page<Unit>>('GET', server.url(`/api/v1/units?${query}`));

  beforeAll(async () => {
    server = await startTestServer();
    const res = await request<ImportResult>('POST', server.url('/api/v1/units/import'), {
      provinceCode: '20',
    });
    expect(res.status).toBe(201);
    firstImport = res.body;
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('import of the official list', () => {
    it('creates Lạng Sơn with its 11 districts and 194 communes', () => {
      expect(firstImport).toMatchObject({
        province: { code: '20', name: 'Tỉnh Lạng Sơn' },
        created: 1 + 11 + 194,
        updated: 0,
        unchanged: 0,
        districts: 11,
        communes: 194,
      });
    });

    it('stores every official code, name and type with its place in the tree', async () => {
      const official = officialLangSon();
      const rows = await server.app.get(DataSource).getRepository(AdminUnit).find();
      const byId = new Map(rows.map((r) => [r.id, r]));
      const byCode = (level: string, code: string) => rows.find((r) => r.level === level && r.code === code);

      const province = byCode('province', '20')!;
      expect(province).toMatchObject({
        name: 'Tỉnh Lạng Sơn',
        type: 'Tỉnh',
        era: 'pre_2025',
        parentId: null,
      });
      expect(province.path).toBe(province.id);
      for (const d of official.level2s) {
        const district = byCode('district', d.level2_id)!;
        expect(district).toMatchObject({ name: clean(d.name), type: d.type, parentId: province.id });
        expect(district.path).toBe(`${province.id}/${district.id}`);
        for (const c of d.level3s) {
          const commune = byCode('commune', c.level3_id)!;
          expect(commune).toMatchObject({
            name: clean(c.name),
            type: c.type,
            parentId: district.id,
            era: 'pre_2025',
          });
          expect(commune.path).toBe(`${province.id}/${district.id}/${commune.id}`);
          expect(commune.path.split('/').map((id) => byId.get(id)?.level)).toEqual([
            'province',
            'district',
            'commune',
          ]);
        }
      }
      expect(
        rows
          .filter((r) => r.level === 'commune')
          .map((r) => r.type)
          .sort(),
      ).toEqual(official.level2s.flatMap((d) => d.level3s.map((c) => c.type)).sort());
      const types = new Set(rows.filter((r) => r.level === 'commune').map((r) => r.type));
      expect(types).toEqual(new Set(['Xã', 'Phường', 'Thị trấn']));
      expect(byCode('commune', '05971')).toMatchObject({ name: 'Phường Hoàng Văn Thụ', type: 'Phường' });
    });

    it('is idempotent: a second import changes nothing and duplicates nothing', async () => {
      const ds = server.app.get(DataSource);
      const before = await ds.getRepository(AdminUnit).find({ order: { id: 'ASC' } });
      const res = await request<ImportResult>('POST', server.url('/api/v1/units/import'), {
        provinceCode: '20',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        created: 0,
        updated: 0,
        unchanged: 206,
        province: { id: firstImport.province.id },
      });
      const after = await ds.getRepository(AdminUnit).find({ order: { id: 'ASC' } });
      expect(after).toEqual(before);
    });

    it('puts back an official name changed locally and adds a unit that went missing', async () => {
      const repo = server.app.get(DataSource).getRepository(AdminUnit);
      await repo.update({ era: 'pre_2025', level: 'commune', code: '05974' }, { name: 'Tên sai' });
      await repo.delete({ era: 'pre_2025', level: 'commune', code: '05977' });
      const res = await request<ImportResult>('POST', server.url('/api/v1/units/import'), {
        provinceCode: '20',
      });
      expect(res.body).toMatchObject({ created: 1, updated: 1, unchanged: 204 });
      expect((await repo.findOneBy({ level: 'commune', code: '05974' }))?.name).toBe('Phường Tam Thanh');
      expect(await repo.countBy({ level: 'commune', code: '05977' })).toBe(1);
      expect(await repo.count()).toBe(206);
    });

    it('moves a unit back to its official parent, and its subtree with it', async () => {
      const repo = server.app.get(DataSource).getRepository(AdminUnit);
      const province = (await repo.findOneBy({ level: 'province', code: '20' }))!;
      const wrongDistrict = (await repo.findOneBy({ level: 'district', code: '180' }))!;
      const commune = (await repo.findOneBy({ level: 'commune', code: '05980' }))!;
      const village = await request<Unit>('POST', server.url('/api/v1/units'), {
        level: 'village',
        code: '05980-01',
        name: 'Khối 5',
        parentId: commune.id,
      });
      expect(village.body.path).toBe(`${commune.path}/${village.body.id}`);
      // Someone moved the ward under the wrong district, subtree and all.
      const misplaced = `${province.id}/${wrongDistrict.id}/${commune.id}`;
      await repo.update({ id: commune.id }, { parentId: wrongDistrict.id, path: misplaced });
      await repo.update({ id: village.body.id }, { path: `${misplaced}/${village.body.id}` });

      const res = await request<ImportResult>('POST', server.url('/api/v1/units/import'), {
        provinceCode: '20',
      });
      expect(res.body).toMatchObject({ created: 0, updated: 1 });
      expect(await repo.findOneBy({ id: commune.id })).toMatchObject({
        parentId: commune.parentId,
        path: commune.path,
      });
      expect((await repo.findOneBy({ id: village.body.id }))?.path).toBe(
        `${commune.path}/${village.body.id}`,
      );
    });

    it('answers 404 for a province code that is not in the list, and 400 for a malformed one', async () => {
      const unknown = await request<ErrorBody>('POST', server.url('/api/v1/units/import'), {
        provinceCode: '99',
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toMatch(/province code 99 is not in the official list/);
      const malformed = await request<ErrorBody>('POST', server.url('/api/v1/units/import'), {
        provinceCode: 'LS',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors?.[0]).toMatchObject({ field: 'provinceCode', rule: 'matches' });
    });
  });

  describe('browsing', () => {
    it('filters by level, code and parent, in the pre-2025 tree by default', async () => {
      const districts = await units('level=district&pageSize=100');
      expect(districts.body.total).toBe(11);
      expect(districts.body.items.every((u) => u.level === 'district' && u.era === 'pre_2025')).toBe(true);

      const city = (await units('level=district&code=178')).body.items[0];
      expect(city.name).toBe('Thành phố Lạng Sơn');
      const wards = await units(`parentId=${city.id}&pageSize=100`);
      expect(wards.body.total).toBe(8);
      expect(wards.body.items.map((u) => u.code)).toEqual([
        '05971',
        '05974',
        '05977',
        '05980',
        '05983',
        '05986',
        '05989',
        '05992',
      ]);
      expect((await units('era=post_2025&level=commune')).body.total).toBe(0);
    });

    it('searches names without regard to case or Vietnamese accents', async () => {
      for (const q of ['hoang van thu', 'HOÀNG VĂN THỤ', 'Hoàng Văn Thụ', 'hoàng văn']) {
        const res = await units(`level=commune&q=${encodeURIComponent(q)}`);
        expect(res.status).toBe(200);
        // 06178 is "Xã  Hoàng Văn Thụ" in the source, with a double space: stored cleaned, found too.
        expect(res.body.items.map((u) => u.code)).toEqual(['05971', '06100', '06178']);
      }
      const dong = await units(`level=commune&q=${encodeURIComponent('dong kinh')}`);
      expect(dong.body.items.map((u) => u.name)).toEqual(['Phường Đông Kinh']);
      const dongDang = await units(`level=commune&q=${encodeURIComponent('DONG DANG')}`);
      expect(dongDang.body.items.map((u) => u.name)).toEqual(['Thị trấn Đồng Đăng']);
      const cleaned = await units('level=commune&code=06178');
      expect(cleaned.body.items[0].name).toBe('Xã Hoàng Văn Thụ');
      expect((await units('q=%25')).body.total).toBe(0); // LIKE wildcards are literal
      expect((await units('level=commune&q=')).body.total).toBe(194); // a blank search is no search
    });

    it('pages and sorts without gaps or repeats', async () => {
      const all = (await units('level=commune&pageSize=500&sort=code')).body.items.map((u) => u.code);
      expect(all).toHaveLength(194);
      expect([...all].sort()).toEqual(all);
      const paged: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const res = await units(`level=commune&pageSize=50&page=${page}&sort=code`);
        expect(res.body).toMatchObject({ total: 194, page, pageSize: 50 });
        paged.push(...res.body.items.map((u) => u.code));
      }
      expect(paged).toEqual(all);
      const desc = (await units('level=commune&pageSize=3&sort=code&order=desc')).body.items.map(
        (u) => u.code,
      );
      expect(desc).toEqual(all.slice(-3).reverse());
      const byName = (await units('level=district&sort=name&pageSize=100')).body.items.map((u) => u.name);
      expect(byName).toHaveLength(11);
      expect(byName).toContain('Huyện Tràng Định');
    });

    it('rejects bad filters with the field and the rule', async () => {
      const res = await request<ErrorBody>(
        'GET',
        server.url('/api/v1/units?level=hamlet&pageSize=501&era=2030'),
      );
      expect(res.status).toBe(400);
      const fields = res.body.errors!.map((e) => `${e.field}:${e.rule}`).sort();
      expect(fields).toEqual(['era:isIn', 'level:isIn', 'pageSize:max']);
      const unknown = await request<ErrorBody>('GET', server.url('/api/v1/units?colour=red'));
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors![0]).toMatchObject({ field: 'colour', rule: 'whitelistValidation' });
    });

    it('shows one unit with its breadcrumb and number of children', async () => {
      const ward = (await units('level=commune&code=05971')).body.items[0];
      const res = await request<UnitDetail>('GET', server.url(`/api/v1/units/${ward.id}`));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ code: '05971', childCount: 0 });
      expect(res.body.ancestors.map((a) => [a.level, a.code])).toEqual([
        ['province', '20'],
        ['district', '178'],
      ]);
      const province = await request<UnitDetail>(
        'GET',
        server.url(`/api/v1/units/${firstImport.province.id}`),
      );
      expect(province.body).toMatchObject({ ancestors: [], childCount: 11 });
    });

    it('lists the children of a unit, paged', async () => {
      const district = (await units('level=district&code=180')).body.items[0];
      const first = await request<Page<Unit>>(
        'GET',
        server.url(`/api/v1/units/${district.id}/children?pageSize=5`),
      );
      expect(first.body).toMatchObject({ total: 20, page: 1, pageSize: 5 });
      expect(first.body.items).toHaveLength(5);
      expect(first.body.items.every((u) => u.parentId === district.id)).toBe(true);
      const last = await request<Page<Unit>>(
        'GET',
        server.url(`/api/v1/units/${district.id}/children?pageSize=5&page=4`),
      );
      expect(last.body.items).toHaveLength(5);
      expect(last.body.items.map((u) => u.id)).not.toContain(first.body.items[0].id);
    });

    it('answers 404 for an unknown id and 400 for an id that is not a UUID', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      expect((await request('GET', server.url(`/api/v1/units/${missing}`))).status).toBe(404);
      expect((await request('GET', server.url(`/api/v1/units/${missing}/children`))).status).toBe(404);
      expect((await request('GET', server.url('/api/v1/units/not-a-uuid'))).status).toBe(400);
    });
  });

  describe('villages', () => {
    it('adds a village below a commune, in the commune’s era and path', async () => {
      const commune = (await units('level=commune&code=05986')).body.items[0];
      const res = await request<Unit>('POST', server.url('/api/v1/units'), {
        level: 'village',
        code: '05986-01',
        name: 'Thôn Nà Chuông',
        type: 'Thôn',
        parentId: commune.id,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        level: 'village',
        era: 'pre_2025',
        parentId: commune.id,
        name: 'Thôn Nà Chuông',
      });
      expect(res.body.path).toBe(`${commune.path}/${res.body.id}`);
      const detail = await request<UnitDetail>('GET', server.url(`/api/v1/units/${commune.id}`));
      expect(detail.body.childCount).toBe(1);
      const villages = await units(`level=village&parentId=${commune.id}`);
      expect(villages.body.items.map((u) => u.code)).toEqual(['05986-01']);
    });

    it('refuses a village whose parent is not a commune, or that has no parent', async () => {
      const district = (await units('level=district&code=178')).body.items[0];
      const res = await request<ErrorBody>('POST', server.url('/api/v1/units'), {
        level: 'village',
        code: 'V-2',
        name: 'Thôn Sai',
        parentId: district.id,
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          field: 'parentId',
          rule: 'parentLevel',
          message: expect.stringMatching(/must be a commune/),
        }),
      ]);
      const orphan = await request<ErrorBody>('POST', server.url('/api/v1/units'), {
        level: 'village',
        code: 'V-3',
        name: 'Thôn Mồ Côi',
      });
      expect(orphan.status).toBe(400);
      expect(orphan.body.errors![0]).toMatchObject({ field: 'parentId', rule: 'required' });
      const ghost = await request<ErrorBody>('POST', server.url('/api/v1/units'), {
        level: 'village',
        code: 'V-4',
        name: 'Thôn Ma',
        parentId: '00000000-0000-4000-8000-000000000000',
      });
      expect(ghost.status).toBe(400);
      expect(ghost.body.errors![0]).toMatchObject({ field: 'parentId', rule: 'exists' });
    });

    it('refuses a second village with the same code (409) and a bad body (400 naming the field)', async () => {
      const commune = (await units('level=commune&code=05989')).body.items[0];
      const body = { level: 'village', code: '05986-01', name: 'Thôn Trùng', parentId: commune.id };
      const dup = await request<ErrorBody>('POST', server.url('/api/v1/units'), body);
      expect(dup.status).toBe(409);
      expect(dup.body.message).toMatch(/code 05986-01 already exists/);
      const bad = await request<ErrorBody>('POST', server.url('/api/v1/units'), {
        ...body,
        code: 'bad code!',
        name: '',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors!.map((e) => e.field).sort()).toEqual(['code', 'name']);
      const extra = await request<ErrorBody>('POST', server.url('/api/v1/units'), {
        ...body,
        code: 'V-9',
        colour: 'red',
      });
      expect(extra.status).toBe(400);
      expect(extra.body.errors![0]).toMatchObject({ field: 'colour', rule: 'whitelistValidation' });
    });

    it('refuses to create pre-2025 provinces, districts or communes by hand', async () => {
      const province = await request<ErrorBody>('POST', server.url('/api/v1/units'), {
        level: 'province',
        code: '98',
        name: 'Tỉnh Mới',
      });
      expect(province.status).toBe(400);
      expect(province.body.errors![0]).toMatchObject({ field: 'era', rule: 'post2025Only' });
      const district = await request<ErrorBody>('POST', server.url('/api/v1/units'), {
        level: 'district',
        era: 'post_2025',
        code: '999',
        name: 'Huyện',
      });
      expect(district.status).toBe(400);
      expect(district.body.errors![0]).toMatchObject({ field: 'level', rule: 'isIn' });
    });
  });

  describe('the post-2025 tree', () => {
    it('holds provinces without a parent and communes directly below them, apart from the old tree', async () => {
      const province = await request<Unit>('POST', server.url('/api/v1/units'), {
        level: 'province',
        era: 'post_2025',
        code: '20',
        name: 'Tỉnh Lạng Sơn',
        type: 'Tỉnh',
      });
      expect(province.status).toBe(201);
      expect(province.body).toMatchObject({ era: 'post_2025', parentId: null, path: province.body.id });
      expect(province.body.id).not.toBe(firstImport.province.id);

      const commune = await request<Unit>('POST', server.url('/api/v1/units'), {
        level: 'commune',
        era: 'post_2025',
        code: '05971',
        name: 'Phường Lương Văn Tri',
        type: 'Phường',
        parentId: province.body.id,
      });
      expect(commune.status).toBe(201);
      expect(commune.body.path).toBe(`${province.body.id}/${commune.body.id}`);

      const village = await request<Unit>('POST', server.url('/api/v1/units'), {
        level: 'village',
        code: 'LVT-01',
        name: 'Khối 1',
        type: 'Khối',
        parentId: commune.body.id,
      });
      expect(village.status).toBe(201);
      expect(village.body.era).toBe('post_2025');

      const post = await units('era=post_2025&level=commune');
      expect(post.body.items.map((u) => u.name)).toEqual(['Phường Lương Văn Tri']);
      const pre = await units('level=commune&code=05971');
      expect(pre.body.items.map((u) => u.name)).toEqual(['Phường Hoàng Văn Thụ']);
      const children = await units(`parentId=${province.body.id}`);
      expect(children.body.items.map((u) => u.code)).toEqual(['05971']);
    });

    it('refuses a post-2025 commune below an old province or a district, and a province with a parent', async () => {
      const district = (await units('level=district&code=180')).body.items[0];
      for (const parentId of [firstImport.province.id, district.id]) {
        const res = await request<ErrorBody>('POST', server.url('/api/v1/units'), {
          level: 'commune',
          era: 'post_2025',
          code: '99999',
          name: 'Xã Sai',
          parentId,
        });
        expect(res.status).toBe(400);
        expect(res.body.errors![0]).toMatchObject({ field: 'parentId', rule: 'parentLevel' });
      }
      const child = await request<ErrorBody>('POST', server.url('/api/v1/units'), {
        level: 'province',
        era: 'post_2025',
        code: '97',
        name: 'Tỉnh Con',
        parentId: firstImport.province.id,
      });
      expect(child.status).toBe(400);
      expect(child.body.errors![0]).toMatchObject({ field: 'parentId', rule: 'noParent' });
      const dup = await request<ErrorBody>('POST', server.url('/api/v1/units'), {
        level: 'province',
        era: 'post_2025',
        code: '20',
        name: 'Tỉnh Lạng Sơn',
      });
      expect(dup.status).toBe(409);
    });
  });
});
