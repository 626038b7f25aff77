import { confirmMatches } from '../../../apps/console/src/pages/emergency/confirm';
import {
  elapsed,
  errorKey,
  headline,
  levelPercent,
  pickRecorderType,
  sortDeliveries,
  summarize,
  type Delivery,
} from '../../../apps/console/src/pages/live/rollout';
import {
  areaPhrase,
  buildTarget,
  groupClusters,
  unitLabel,
  villageCheckState,
  type TargetCluster,
} from '../../../apps/console/src/pages/live/targets';
import { livePriority } from '../../../apps/console/src/pages/live/types';

const commune = { id: 'c1', name: 'Hoàng Đồng', type: 'Xã' };
const cluster = (id: string, name: string, village: { id: string; name: string } | null): TargetCluster => ({
  id,
  code: id.toUpperCase(),
  name,
  communeId: commune.id,
  commune,
  villageId: village?.id ?? null,
  village: village ? { ...village, type: 'Thôn' } : null,
  online: true,
});
const na = { id: 'v1', name: 'Nà Chuông' };
const khon = { id: 'v2', name: 'Khòn Pát' };
const fleet = [
  cluster('a', 'Cụm loa 2', na),
  cluster('b', 'Cụm loa 10', na),
  cluster('c', 'Cụm loa chợ', khon),
  cluster('d', 'Cụm loa UBND', null),
];

describe('console live and emergency: targets', () => {
  it('groups clusters by commune and village, by name (numbers in order), unplaced last', () => {
    const [group] = groupClusters(fleet);
    expect(group.name).toBe('Xã Hoàng Đồng');
    expect(group.clusterIds).toHaveLength(4);
    expect(group.villages.map((v) => v.name)).toEqual(['Thôn Khòn Pát', 'Thôn Nà Chuông', '']);
    expect(group.villages[1].clusters.map((c) => c.name)).toEqual(['Cụm loa 2', 'Cụm loa 10']);
    expect(unitLabel({ id: 'x', name: 'Xã Hoàng Đồng', type: 'Xã' })).toBe('Xã Hoàng Đồng');
    expect(unitLabel(null)).toBe('');
    expect(unitLabel({ id: 'v', name: 'Bản Nà Chà', type: 'Thôn' })).toBe('Bản Nà Chà');
    expect(unitLabel({ id: 'v', name: 'Nà Pàn', type: 'Thôn' })).toBe('Thôn Nà Pàn');
    expect(areaPhrase('Xã Hoàng Đồng', 'Xã')).toBe('xã Hoàng Đồng');
    expect(areaPhrase('Thị trấn Na Sầm', 'Xã')).toBe('thị trấn Na Sầm');
    expect(areaPhrase('Lạng Sơn', 'Tỉnh')).toBe('tỉnh Lạng Sơn');
  });

  it('turns a whole area into a unit (or a village scope into a village) with its cluster count', () => {
    const groups = groupClusters(fleet);
    expect(buildTarget({ mode: 'unit', unitId: 'c1', level: 'commune' }, groups)).toEqual({
      target: { unitIds: ['c1'] },
      count: 4,
    });
    expect(buildTarget({ mode: 'unit', unitId: 'p1', level: 'province' }, groups)).toEqual({
      target: { unitIds: ['p1'] },
      count: 4,
    });
    expect(buildTarget({ mode: 'unit', unitId: 'v1', level: 'village' }, groups)).toEqual({
      target: { villageIds: ['v1'] },
      count: 2,
    });
  });

  it('sends a fully picked village as the village and the rest cluster by cluster', () => {
    const groups = groupClusters(fleet);
    expect(buildTarget({ mode: 'pick', clusterIds: new Set(['a', 'b', 'c', 'd']) }, groups)).toEqual({
      target: { villageIds: ['v2', 'v1'], clusterIds: ['d'] },
      count: 4,
    });
    expect(buildTarget({ mode: 'pick', clusterIds: new Set(['a']) }, groups)).toEqual({
      target: { clusterIds: ['a'] },
      count: 1,
    });
    expect(buildTarget({ mode: 'pick', clusterIds: new Set() }, groups)).toEqual({ target: {}, count: 0 });
    const village = groups[0].villages[1];
    expect(villageCheckState(village, new Set())).toBe('none');
    expect(villageCheckState(village, new Set(['a']))).toBe('some');
    expect(villageCheckState(village, new Set(['a', 'b']))).toBe('all');
  });

  it('goes live at the scope’s own priority', () => {
    expect(livePriority('commune')).toBe('commune');
    expect(livePriority('village')).toBe('commune');
    expect(livePriority('district')).toBe('district');
    expect(livePriority('province')).toBe('province');
    expect(livePriority(undefined)).toBe('province');
  });
});

describe('console live and emergency: rollout', () => {
  const d = (id: string, status: Delivery['status'], errorCode: string | null = null): Delivery => ({
    clusterId: id,
    clusterCode: id,
    clusterName: id,
    commandId: `cmd-${id}`,
    status,
    deliveredAt: null,
    completedAt: null,
    errorCode,
    errorMessage: null,
  });

  it('counts sent, answered, playing and failed', () => {
    const items = [
      d('a', 'started'),
      d('b', 'delivered'),
      d('c', 'pending'),
      d('e', 'failed', 'busy'),
      d('f', 'expired'),
    ];
    const s = summarize(items);
    expect(s).toMatchObject({
      targets: 5,
      pending: 1,
      delivered: 1,
      started: 1,
      failed: 1,
      expired: 1,
      complete: false,
    });
    expect(headline(s)).toEqual({ sent: 5, acked: 3, started: 1, failed: 2, percentDone: 60 });
    expect(summarize([d('a', 'started'), d('b', 'failed')]).complete).toBe(true);
    expect(headline(summarize([])).percentDone).toBe(0);
  });

  it('puts failures first and names device errors', () => {
    const sorted = sortDeliveries([
      d('b', 'started'),
      d('a', 'started'),
      d('z', 'failed'),
      d('m', 'pending'),
    ]);
    expect(sorted.map((x) => x.clusterId)).toEqual(['z', 'm', 'a', 'b']);
    expect(errorKey('busy')).toBe('errBusy');
    expect(errorKey('stream_unavailable')).toBe('errStream');
    expect(errorKey('media_unavailable')).toBe('errMedia');
    expect(errorKey(null)).toBe('errOther');
  });

  it('measures the microphone level on a −60…0 dBFS scale', () => {
    expect(levelPercent([])).toBe(0);
    expect(levelPercent(new Float32Array(128))).toBe(0);
    expect(levelPercent(new Float32Array(128).fill(1))).toBe(100);
    expect(levelPercent(new Float32Array(128).fill(0.001))).toBe(0);
    expect(levelPercent(new Float32Array(128).fill(0.0316))).toBe(50);
  });

  it('formats elapsed time and picks a recorder format the server takes', () => {
    expect(elapsed(0, 5_000)).toBe('00:05');
    expect(elapsed(0, 125_000)).toBe('02:05');
    expect(elapsed(0, 3_725_000)).toBe('1:02:05');
    expect(elapsed(10_000, 0)).toBe('00:00');
    expect(pickRecorderType((t) => t.startsWith('audio/webm'))).toEqual({
      mimeType: 'audio/webm;codecs=opus',
      wsType: 'audio/webm',
    });
    expect(pickRecorderType((t) => t === 'audio/ogg;codecs=opus')?.wsType).toBe('audio/ogg');
    expect(pickRecorderType(() => false)).toBeNull();
  });
});

describe('console emergency: confirmation word', () => {
  it('takes PHÁT with or without diacritics, in any case, and nothing else', () => {
    expect(confirmMatches('PHÁT')).toBe(true);
    expect(confirmMatches(' phát ')).toBe(true);
    expect(confirmMatches('PHAT')).toBe(true);
    expect(confirmMatches('phat')).toBe(true);
    expect(confirmMatches('')).toBe(false);
    expect(confirmMatches('PHA')).toBe(false);
    expect(confirmMatches('PHÁT NGAY')).toBe(false);
  });
});
