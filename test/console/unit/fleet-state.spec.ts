import {
  CLUSTER_STATES,
  clusterState,
  countStates,
  hasPosition,
} from '../../../apps/console/src/map/cluster-state';
import {
  filterBase,
  filterClusters,
  fold,
  pageOf,
  parseFilters,
  signalLevel,
  toCsv,
  toMapClusters,
  unitOptions,
  type ClusterItem,
} from '../../../apps/console/src/pages/fleet/fleet-model';

const seen = '2026-11-24T03:00:00.000Z';

function cluster(over: Partial<ClusterItem> & { id: string }): ClusterItem {
  return {
    code: over.id.toUpperCase(),
    name: `Cụm loa ${over.id}`,
    kind: 'ip',
    lifecycle: 'active',
    communeId: 'c1',
    commune: { id: 'c1', name: 'Xã Hoàng Đồng' },
    villageId: 'v1',
    village: { id: 'v1', name: 'Thôn Nà Pàn' },
    latitude: 21.85,
    longitude: 106.76,
    online: true,
    lastSeenAt: seen,
    activeFaults: [],
    ...over,
  };
}

describe('cluster state for the map', () => {
  it('maps presence and faults to one state, worst first', () => {
    expect(clusterState({ online: false, lastSeenAt: null, activeFaults: [] })).toBe('never');
    expect(clusterState({ online: false, lastSeenAt: seen, activeFaults: ['amp_fault'] })).toBe('offline');
    expect(clusterState({ online: true, lastSeenAt: seen, activeFaults: [] })).toBe('online');
    expect(clusterState({ online: true, lastSeenAt: seen, activeFaults: ['mains_lost'] })).toBe('battery');
    expect(clusterState({ online: true, lastSeenAt: seen, activeFaults: ['battery_low'] })).toBe('battery');
    expect(clusterState({ online: true, lastSeenAt: seen, activeFaults: ['mains_lost', 'line_open'] })).toBe(
      'fault',
    );
    expect(clusterState({ online: true, lastSeenAt: seen, activeFaults: ['some_new_code'] })).toBe('fault');
  });

  it('counts every state, listed worst first in the legend', () => {
    expect(CLUSTER_STATES).toEqual(['fault', 'offline', 'battery', 'online', 'never']);
    expect(countStates([{ state: 'online' }, { state: 'online' }, { state: 'never' }])).toEqual({
      online: 2,
      offline: 0,
      fault: 0,
      battery: 0,
      never: 1,
    });
  });

  it('places only clusters with both coordinates in range', () => {
    expect(hasPosition({ latitude: 21.8, longitude: 106.7 })).toBe(true);
    expect(hasPosition({ latitude: null, longitude: 106.7 })).toBe(false);
    expect(hasPosition({ latitude: 91, longitude: 106.7 })).toBe(false);
    expect(hasPosition({ latitude: Number.NaN, longitude: 0 })).toBe(false);
    expect(toMapClusters([cluster({ id: 'a', online: false, lastSeenAt: null })])).toEqual([
      {
        id: 'a',
        name: 'Cụm loa a',
        code: 'A',
        village: 'Thôn Nà Pàn',
        latitude: 21.85,
        longitude: 106.76,
        state: 'never',
      },
    ]);
  });
});

describe('fleet list filters', () => {
  const items = [
    cluster({ id: 'a' }),
    cluster({ id: 'b', online: false, village: { id: 'v2', name: 'Bản Nà Chà' }, villageId: 'v2' }),
    cluster({ id: 'c', activeFaults: ['line_open'] }),
    cluster({ id: 'd', lifecycle: 'decommissioned', online: false, lastSeenAt: null }),
    cluster({
      id: 'e',
      kind: 'fm_wired',
      communeId: 'c2',
      commune: { id: 'c2', name: 'Phường Đông Kinh' },
      village: null,
      villageId: null,
      online: false,
      lastSeenAt: null,
    }),
  ];
  const ids = (list: ClusterItem[]) => list.map((c) => c.id);

  it('reads the filters from the URL, ignoring values it does not know', () => {
    expect(
      parseFilters(new URLSearchParams('q=na&state=offline&faults=1&page=3&kind=ip&lifecycle=all')),
    ).toEqual({
      q: 'na',
      commune: '',
      village: '',
      state: 'offline',
      faults: true,
      kind: 'ip',
      lifecycle: 'all',
      page: 3,
    });
    const junk = parseFilters(new URLSearchParams('state=exploded&kind=x&lifecycle=y&page=-2'));
    expect([junk.state, junk.kind, junk.lifecycle, junk.page]).toEqual(['', '', '', 1]);
  });

  it('hides retired clusters unless asked, and filters by state, faults, place, kind', () => {
    const f = parseFilters(new URLSearchParams());
    expect(ids(filterClusters(items, f))).toEqual(['a', 'b', 'c', 'e']);
    expect(ids(filterClusters(items, { ...f, lifecycle: 'all' }))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids(filterClusters(items, { ...f, lifecycle: 'decommissioned' }))).toEqual(['d']);
    expect(ids(filterClusters(items, { ...f, state: 'offline' }))).toEqual(['b']);
    expect(ids(filterClusters(items, { ...f, state: 'fault' }))).toEqual(['c']);
    expect(ids(filterClusters(items, { ...f, faults: true }))).toEqual(['c']);
    expect(ids(filterClusters(items, { ...f, commune: 'c2' }))).toEqual(['e']);
    expect(ids(filterClusters(items, { ...f, village: 'v2' }))).toEqual(['b']);
    expect(ids(filterClusters(items, { ...f, kind: 'fm_wired' }))).toEqual(['e']);
    // The state counts are taken before the state filter.
    expect(ids(filterBase(items, { ...f, state: 'fault' }))).toEqual(['a', 'b', 'c', 'e']);
  });

  it('searches code, name, village and commune without accents', () => {
    const f = parseFilters(new URLSearchParams());
    expect(fold('  Đông KINH Nà Chà ')).toBe('dong kinh na cha');
    expect(ids(filterClusters(items, { ...f, q: 'na cha' }))).toEqual(['b']);
    expect(ids(filterClusters(items, { ...f, q: 'ĐÔNG kinh' }))).toEqual(['e']);
    expect(ids(filterClusters(items, { ...f, q: 'C' }))).toEqual(['a', 'b', 'c', 'e']);
  });

  it('lists the communes and the villages of one, sorted the Vietnamese way', () => {
    const { communes, villages } = unitOptions(items, 'c1');
    expect(communes.map((u) => u.name)).toEqual(['Phường Đông Kinh', 'Xã Hoàng Đồng']);
    expect(villages.map((u) => u.name)).toEqual(['Bản Nà Chà', 'Thôn Nà Pàn']);
  });

  it('pages, clamping a page past the end to the last one', () => {
    const list = Array.from({ length: 120 }, (_, i) => i);
    expect(pageOf(list, 1)).toHaveLength(50);
    expect(pageOf(list, 3)).toEqual(list.slice(100));
    expect(pageOf(list, 9)).toEqual(list.slice(100));
  });

  it('says the signal in words from RSRP, else RSSI', () => {
    expect(signalLevel(-80)).toBe('good');
    expect(signalLevel(-90)).toBe('good');
    expect(signalLevel(-100)).toBe('fair');
    expect(signalLevel(-112)).toBe('poor');
    expect(signalLevel(null, -70)).toBe('good');
    expect(signalLevel(null, -95)).toBe('poor');
    expect(signalLevel(undefined, null)).toBe('none');
  });

  it('writes CSV with a BOM, quoting, and no formulas', () => {
    expect(
      toCsv([
        ['Mã', 'Tên'],
        ['A-1', 'Cụm "lớn", thôn 1'],
        ['=SUM(A1)', null],
        [-5, 7.5],
      ]),
    ).toBe('\uFEFFMã,Tên\r\nA-1,"Cụm ""lớn"", thôn 1"\r\n\'=SUM(A1),\r\n-5,7.5\r\n');
  });
});
