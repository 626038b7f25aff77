import { eventually, request } from '../support/http';
import { metric } from '../support/metrics';
import { startTestServer, type TestServer } from '../support/test-server';
import type { ClusterItem, Unit } from '../registry/fixtures';
import { alertView, publish, setUpFleet, startSmtpSink, type Fleet, type Mail } from './support';

/** How mail names a unit: with its type word, which the official names already carry ("Xã Khánh Long"). */
const label = (u: Unit) => (u.type && !u.name.startsWith(u.type) ? `${u.type} ${u.name}` : u.name);

/**
 * Alert email through a real SMTP server: who gets what (role, scope, severity), in Vietnamese, with storms
 * grouped per unit.
 */
describe('alert email', () => {
  let server: TestServer;
  let fleet: Fleet;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const clustersOf = (communeId: string): ClusterItem[] => fleet.clusters.get(communeId)!;

  async function user(role: string, email: string, scopeUnitId?: string): Promise<string> {
    const res = await request<{ id: string }>('POST', server.url('/api/v1/users'), {
      username: email.split('@')[0],
      displayName: email,
      role,
      email,
      password: 'mật-khẩu-đủ-dài-123',
      ...(scopeUnitId ? { scopeUnitId } : {}),
    });
    if (res.status !== 201) throw new Error(`user: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  /** Waits until `count` mails arrived after `from` and nothing is left to send; returns them. */
  async function mailsAfter(from: number, count: number): Promise<Mail[]> {
    await eventually(async () => smtp.mails.length >= from + count);
    await eventually(async () => (await metric(server.httpUrl, 'loa_notification_queue_depth')) === 0);
    return smtp.mails.slice(from);
  }
  const byRecipient = (mails: Mail[]) => {
    const out: Record<string, string[]> = {};
    for (const m of mails) for (const to of m.to) (out[to] ??= []).push(m.subject);
    for (const list of Object.values(out)) list.sort();
    return out;
  };

  beforeAll(async () => {
    smtp = await startSmtpSink();
    server = await startTestServer({
      smtpUrl: smtp.url,
      alertEmailFrom: 'loa-xa <canh-bao@loa.example.vn>',
      alertEmailMinSeverity: 'major',
      alertGroupWindowS: 1,
      alertGroupMin: 3,
    });
    fleet = await setUpFleet(server, { communeA1: 3, communeA2: 2, communeB1: 2 });
    await user('district_technician', 'ky-thuat-a@example.vn', fleet.districtA.id);
    await user('district_technician', 'ky-thuat-b@example.vn', fleet.districtB.id);
    await user('province_admin', 'tinh@example.vn', fleet.province.id);
    await user('admin', 'quan-tri@example.vn');
    await user('commune_operator', 'xa-a@example.vn', fleet.communeA1.id);
    await user('viewer', 'xem@example.vn', fleet.province.id);
    const gone = await user('district_technician', 'nghi-viec@example.vn', fleet.districtA.id);
    const off = await request('PATCH', server.url(`/api/v1/users/${gone}`), { active: false });
    expect(off.status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('emails a new alert to technicians and administrators in scope, from major severity up', async () => {
    const from = smtp.mails.length;
    const [a1] = clustersOf(fleet.communeA1.id);
    const [b1, b2] = clustersOf(fleet.communeB1.id);
    const critical = alertView(a1, fleet.communeA1, { severity: 'critical' });
    publish(server, 'opened', critical);
    publish(server, 'opened', alertView(b1, fleet.communeB1, { severity: 'minor', rule: 'clock_offset' }));
    publish(server, 'opened', alertView(b2, fleet.communeB1, { severity: 'major', rule: 'weak_signal' }));

    const mails = await mailsAfter(from, 6);
    const subjectA = `[loa-xa] Cảnh báo mới: Mất kết nối — ${a1.name} (${label(fleet.communeA1)})`;
    const subjectB = `[loa-xa] Cảnh báo mới: Sóng yếu — ${b2.name} (${label(fleet.communeB1)})`;
    expect(byRecipient(mails)).toEqual({
      'ky-thuat-a@example.vn': [subjectA],
      'ky-thuat-b@example.vn': [subjectB],
      'tinh@example.vn': [subjectA, subjectB].sort(),
      'quan-tri@example.vn': [subjectA, subjectB].sort(),
    });
    const mail = mails.find((m) => m.subject === subjectA)!;
    expect(mail.headers.get('from')).toMatch(/^"?loa-xa"? <canh-bao@loa\.example\.vn>$/);
    expect(mail.headers.get('x-loa-delivery')).toMatch(/^[0-9a-f-]{36}$/);
    expect(mail.text).toContain(`Cụm loa:     ${a1.name} (mã ${a1.code})`);
    expect(mail.text).toContain('Lỗi:         Mất kết nối');
    expect(mail.text).toContain('Mức độ:      Nghiêm trọng');
    expect(mail.text).toContain(`Mã cảnh báo: ${critical.id}`);
    expect(
      await metric(server.httpUrl, 'loa_notifications_total', { channel: 'email', status: 'succeeded' }),
    ).toBe(6);
  });

  it('groups a storm in a district into one email naming the district and each commune', async () => {
    const from = smtp.mails.length;
    const alerts = [
      ...clustersOf(fleet.communeA1.id).map((c) => alertView(c, fleet.communeA1, { rule: 'on_battery' })),
      ...clustersOf(fleet.communeA2.id).map((c) => alertView(c, fleet.communeA2, { rule: 'on_battery' })),
    ];
    for (const alert of alerts) publish(server, 'opened', alert);

    const mails = await mailsAfter(from, 3);
    const subject = `[loa-xa] 5 cụm loa mất điện lưới (chạy pin) tại ${label(fleet.districtA)}`;
    expect(byRecipient(mails)).toEqual({
      'ky-thuat-a@example.vn': [subject],
      'tinh@example.vn': [subject],
      'quan-tri@example.vn': [subject],
    });
    const text = mails[0].text;
    expect(text).toContain(`  - ${label(fleet.communeA1)}: 3`);
    expect(text).toContain(`  - ${label(fleet.communeA2)}: 2`);
    for (const alert of alerts) expect(text).toContain(`  - ${alert.clusterCode} ${alert.clusterName}`);
  });

  it('emails resolutions but not acknowledgements', async () => {
    const from = smtp.mails.length;
    const [, b2] = clustersOf(fleet.communeB1.id);
    publish(
      server,
      'acknowledged',
      alertView(b2, fleet.communeB1, { kind: 'acknowledged', rule: 'amp_fault' }),
    );
    publish(server, 'resolved', alertView(b2, fleet.communeB1, { kind: 'resolved', rule: 'speaker_line' }));

    const mails = await mailsAfter(from, 3);
    const subject = `[loa-xa] Đã khắc phục: Lỗi đường dây loa — ${b2.name} (${label(fleet.communeB1)})`;
    expect(byRecipient(mails)).toEqual({
      'ky-thuat-b@example.vn': [subject],
      'tinh@example.vn': [subject],
      'quan-tri@example.vn': [subject],
    });
  });
});
