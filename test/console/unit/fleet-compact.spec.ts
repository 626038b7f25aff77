import { decodeClusterMap } from '../../../apps/console/src/pages/fleet/fleet-compact';

describe('fleet: the compact GET /clusters/map rows as list items', () => {
  const fields = [
    'id',
    'code',
    'name',
    'kind',
    'lifecycle',
    'communeId',
    'villageId',
    'lat',
    'lon',
    'online',
    'lastSeenAt',
    'faults',
    'rsrp',
    'rssi',
    'power',
    'batteryPct',
    'volume',
  ];
  const communes = { c1: 'Xã Hoàng Đồng' };
  const villages = { v1: 'Thôn Nà Chuông' };

  it('rebuilds names, position, live state and vitals', () => {
    const items = decodeClusterMap({
      fields,
      communes,
      villages,
      total: 2,
      rows: [
        [
          'a',
          'LS-1',
          'Cụm loa A',
          'ip',
          'active',
          'c1',
          'v1',
          21.8,
          106.7,
          true,
          '2026-11-24T03:00:00.000Z',
          ['amp_fault'],
          -95,
          -70,
          'battery',
          40,
          65,
        ],
        [
          'b',
          'LS-2',
          'Cụm loa B',
          'fm_wired',
          'planned',
          'c1',
          null,
          null,
          null,
          false,
          null,
          [],
          null,
          null,
          null,
          null,
          null,
        ],
      ],
    });
    expect(items).toEqual([
      {
        id: 'a',
        code: 'LS-1',
        name: 'Cụm loa A',
        kind: 'ip',
        lifecycle: 'active',
        communeId: 'c1',
        commune: { id: 'c1', name: 'Xã Hoàng Đồng' },
        villageId: 'v1',
        village: { id: 'v1', name: 'Thôn Nà Chuông' },
        latitude: 21.8,
        longitude: 106.7,
        online: true,
        lastSeenAt: '2026-11-24T03:00:00.000Z',
        activeFaults: ['amp_fault'],
        vitals: { rsrp: -95, rssi: -70, powerSource: 'battery', batteryPct: 40, volume: 65 },
      },
      {
        id: 'b',
        code: 'LS-2',
        name: 'Cụm loa B',
        kind: 'fm_wired',
        lifecycle: 'planned',
        communeId: 'c1',
        commune: { id: 'c1', name: 'Xã Hoàng Đồng' },
        villageId: null,
        village: null,
        latitude: null,
        longitude: null,
        online: false,
        lastSeenAt: null,
        activeFaults: [],
        vitals: null,
      },
    ]);
  });

  it('reads columns by name, so new or reordered columns change nothing', () => {
    const [item] = decodeClusterMap({
      fields: ['code', 'id', 'extra', 'online', 'communeId', 'name'],
      communes,
      villages,
      total: 1,
      rows: [['LS-9', 'z', 'whatever', true, 'c1', 'Cụm loa Z']],
    });
    expect(item).toMatchObject({ id: 'z', code: 'LS-9', name: 'Cụm loa Z', online: true, activeFaults: [] });
    expect(item.commune).toEqual({ id: 'c1', name: 'Xã Hoàng Đồng' });
    expect(item.vitals).toBeNull();
  });
});
