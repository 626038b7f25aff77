import {
  clusterBody,
  coordinateProblem,
  coordinateProblems,
  credentialsCsv,
  draftOf,
  EMPTY_DRAFT,
  errorsByLine,
  importOutcome,
  importTemplate,
  lifecycleOptions,
  outsideVietnam,
  parseCoordinate,
  retiresCredential,
  ruleWords,
  toCsv,
  type Cluster,
} from '../../../apps/console/src/pages/registry/registry-model';
import { nextVillageCode } from '../../../apps/console/src/pages/registry/units-model';

const cluster: Cluster = {
  id: 'c1',
  code: 'LS-001',
  name: 'Cụm loa thôn Nà Pàn',
  kind: 'ip',
  lifecycle: 'active',
  communeId: 'commune',
  commune: { id: 'commune', code: '05986', level: 'commune', name: 'Xã Hoàng Đồng' },
  villageId: 'v1',
  village: null,
  stationId: 's1',
  latitude: 21.85,
  longitude: 106.76,
  address: null,
  vendor: 'Acme',
  model: null,
  firmware: null,
  serial: null,
  msisdn: null,
  iccid: null,
  ipConnected: false,
  installedOn: null,
  notes: null,
  online: true,
  lastSeenAt: null,
  createdAt: '2026-11-24T00:00:00Z',
};

describe('registry: coordinates', () => {
  it('reads decimal points and Vietnamese decimal commas; anything else is not a number', () => {
    expect(parseCoordinate(' 21.8537 ')).toBe(21.8537);
    expect(parseCoordinate('106,7615')).toBe(106.7615);
    expect(parseCoordinate('-0.5')).toBe(-0.5);
    expect(parseCoordinate('')).toBeNull();
    expect(parseCoordinate('21°51')).toBeNaN();
    expect(parseCoordinate('1e3')).toBeNaN();
  });

  it('checks range per axis and asks for both or neither', () => {
    expect(coordinateProblem('95', 'latitude')).toBe('latRange');
    expect(coordinateProblem('95', 'longitude')).toBeUndefined();
    expect(coordinateProblem('-181', 'longitude')).toBe('lonRange');
    expect(coordinateProblem('abc', 'latitude')).toBe('notNumber');
    expect(coordinateProblems('21.85', '')).toEqual({ longitude: 'paired' });
    expect(coordinateProblems('', '106.7')).toEqual({ latitude: 'paired' });
    expect(coordinateProblems('', '')).toEqual({});
    expect(coordinateProblems('91', '')).toEqual({ latitude: 'latRange' });
  });

  it('warns about points outside Vietnam (swapped coordinates)', () => {
    expect(outsideVietnam(21.85, 106.76)).toBe(false);
    expect(outsideVietnam(106.76, 21.85)).toBe(true);
    expect(outsideVietnam(null, 106.76)).toBe(false);
  });
});

describe('registry: lifecycle', () => {
  it('offers the initial states for a new cluster and the allowed moves for an existing one', () => {
    expect(lifecycleOptions(null)).toEqual(['planned', 'active', 'faulty']);
    expect(lifecycleOptions('active')).toEqual(['active', 'faulty', 'replaced', 'decommissioned']);
    expect(lifecycleOptions('decommissioned')).toEqual(['decommissioned']);
  });

  it('warns when an IP cluster is retired (its credential is revoked)', () => {
    expect(retiresCredential('ip', 'active', 'decommissioned')).toBe(true);
    expect(retiresCredential('ip', 'active', 'faulty')).toBe(false);
    expect(retiresCredential('fm_wired', 'active', 'replaced')).toBe(false);
    expect(retiresCredential('ip', 'replaced', 'replaced')).toBe(false);
  });
});

describe('registry: cluster bodies', () => {
  it('leaves empty optional fields out of a new cluster and never sends ipConnected for IP', () => {
    const body = clusterBody(
      {
        ...EMPTY_DRAFT,
        code: ' LS-9 ',
        name: 'Cụm loa chợ',
        communeId: 'commune',
        latitude: '21,85',
        longitude: '106.76',
        ipConnected: true,
        msisdn: ' +84912345678 ',
      },
      null,
    );
    expect(body).toEqual({
      code: 'LS-9',
      name: 'Cụm loa chợ',
      kind: 'ip',
      lifecycle: 'active',
      communeId: 'commune',
      latitude: 21.85,
      longitude: 106.76,
      msisdn: '+84912345678',
    });
  });

  it('sends only what changed on an edit, null for what was emptied', () => {
    const draft = {
      ...draftOf(cluster),
      name: 'Tên mới',
      vendor: '',
      latitude: '',
      longitude: '',
      stationId: '',
    };
    expect(clusterBody(draft, cluster)).toEqual({
      name: 'Tên mới',
      vendor: null,
      latitude: null,
      longitude: null,
      stationId: null,
    });
    expect(clusterBody(draftOf(cluster), cluster)).toEqual({});
  });

  it('moving to another commune clears the village unless one is chosen', () => {
    const draft = { ...draftOf(cluster), communeId: 'other', villageId: '' };
    expect(clusterBody(draft, cluster)).toMatchObject({ communeId: 'other', villageId: null });
  });
});

describe('registry: CSV import', () => {
  it('reads the outcome of a 201 and of a refused file alike', () => {
    const refused = {
      message: '1 of 3 row(s) have errors; nothing was imported',
      imported: 0,
      rows: 3,
      errors: [{ line: 3, field: 'kind', rule: 'isIn', message: 'kind must be one of…' }],
    };
    expect(importOutcome(422, refused)).toMatchObject({
      imported: 0,
      rows: 3,
      clusters: [],
      credentials: [],
    });
    expect(importOutcome(400, { message: 'not UTF-8' })).toBeNull();
    expect(importOutcome(400, { message: 'empty', imported: 0, errors: [] })).toBeNull();
    expect(
      importOutcome(201, { imported: 2, rows: 2, errors: [], clusters: [], credentials: [] }),
    ).toMatchObject({
      imported: 2,
    });
  });

  it('groups problems by line, in order', () => {
    const e = (line: number, field: string) => ({ line, field, rule: 'x', message: 'm' });
    expect(errorsByLine([e(5, 'a'), e(2, 'b'), e(5, 'c')])).toEqual([
      { line: 2, errors: [e(2, 'b')] },
      { line: 5, errors: [e(5, 'a'), e(5, 'c')] },
    ]);
  });

  it('says the server rules in Vietnamese, more precisely for known fields', () => {
    expect(ruleWords('isIn', 'vi')).toBe('Giá trị không nằm trong danh sách cho phép.');
    expect(ruleWords('exists', 'vi', 'commune_code')).toContain('Excel hay bỏ mất số 0');
    expect(ruleWords('matches', 'vi', 'msisdn')).toContain('8–15 chữ số');
    expect(ruleWords('somethingNew', 'vi')).toBeUndefined();
  });

  it('writes CSV a spreadsheet opens safely', () => {
    expect(toCsv([['a,b', 'say "hi"', '=1+1', null]])).toBe('"a,b","say ""hi""",\'=1+1,\r\n');
    expect(importTemplate('05986').split('\r\n')[0]).toBe(
      'code,name,kind,commune_code,village_code,latitude,longitude,installed_on,notes',
    );
    expect(credentialsCsv([{ code: 'LS-1', username: 'u1', password: 'p' }], 'mqtts://x:8883')).toBe(
      'code,broker_url,username,client_id,password\r\nLS-1,mqtts://x:8883,u1,u1,p\r\n',
    );
  });
});

describe('registry: villages', () => {
  it('suggests the next free code of the commune', () => {
    expect(nextVillageCode('05986', [])).toBe('05986-01');
    expect(nextVillageCode('05986', ['05986-01', '05986-07', 'X-99', '05987-20'])).toBe('05986-08');
  });
});
