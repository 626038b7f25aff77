import type { AlertChange } from '../health/alert-events';
import type { UnitInfo } from './alert-names';
import { formatTime, groupEmail, singleEmail } from './notification-email';
import { groupOf } from './notification-grouping';

const TZ = 'Asia/Ho_Chi_Minh';
const commune: UnitInfo = { id: 'c1', name: 'Hợp Thành', type: 'Xã', level: 'commune', path: 'p/d/c1' };
const district: UnitInfo = { id: 'd', name: 'Cao Lộc', type: 'Huyện', level: 'district', path: 'p/d' };

function change(i: number, kind: AlertChange['kind'] = 'opened'): AlertChange {
  const at = `2026-03-12T07:0${i % 10}:00.000Z`;
  return {
    seq: i,
    kind,
    at,
    alert: {
      id: `a${i}`,
      clusterId: `k${i}`,
      clusterCode: `LS-${i}`,
      clusterName: `Cụm loa thôn ${i}`,
      communeId: 'c1',
      communeName: 'Hợp Thành',
      unitPath: 'p/d/c1',
      villageId: null,
      villageName: 'Thôn Nà Chuông',
      rule: 'offline',
      severity: 'critical',
      state: kind === 'resolved' ? 'resolved' : 'open',
      since: at,
      openedAt: at,
      detail: 'Không liên lạc từ 14:00',
      value: null,
      flapping: false,
      acknowledgedAt: null,
      acknowledgedBy: null,
      ackNote: null,
      clearedAt: null,
      resolvedAt: kind === 'resolved' ? at : null,
      resolution: kind === 'resolved' ? 'auto' : null,
      resolvedBy: null,
      updatedAt: at,
    },
  };
}

describe('alert email', () => {
  it('writes times in the local time zone', () => {
    expect(formatTime('2026-03-12T07:05:00Z', TZ)).toBe('14:05 12/03/2026');
  });

  it('names a new alert, its cluster and commune in Vietnamese', () => {
    const mail = singleEmail(change(1), commune, TZ);
    expect(mail.subject).toBe('[loa-xa] Cảnh báo mới: Mất kết nối — Cụm loa thôn 1 (Xã Hợp Thành)');
    expect(mail.text).toContain('Cụm loa:     Cụm loa thôn 1 (mã LS-1)');
    expect(mail.text).toContain('Thôn Nà Chuông, Xã Hợp Thành');
    expect(mail.text).toContain('Mức độ:      Nghiêm trọng');
    expect(mail.text).toContain('Từ lúc:      14:01 12/03/2026');
  });

  it('tells when an alert is resolved', () => {
    expect(singleEmail(change(2, 'resolved'), commune, TZ).subject).toBe(
      '[loa-xa] Đã khắc phục: Mất kết nối — Cụm loa thôn 2 (Xã Hợp Thành)',
    );
  });

  it('sums a storm up by unit, with counts per commune', () => {
    const group = groupOf(Array.from({ length: 57 }, (_, i) => change(i)));
    const mail = groupEmail(group, district, new Map([[commune.id, commune]]), TZ);
    expect(mail.subject).toBe('[loa-xa] 57 cụm loa mất kết nối tại Huyện Cao Lộc');
    expect(mail.text).toContain('  - Xã Hợp Thành: 57');
    expect(mail.text).toContain('  - LS-0 Cụm loa thôn 0');
    expect(mail.text).toContain('Mức độ:      Nghiêm trọng (cao nhất)');
  });
});
