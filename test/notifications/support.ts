import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { AlertSeverity } from '@loa-xa/persistence';
import { request } from '../support/http';
import type { TestServer } from '../support/test-server';
import {
  createCluster,
  importLangSon,
  unitByCode,
  type ClusterItem,
  type Page,
  type Unit,
} from '../registry/fixtures';
import { childrenOf } from '../access/support';
import { AlertBus, type AlertChangeKind, type AlertView } from '../../apps/server/src/health/alert-events';

/** Shapes of the webhooks API as the tests read them. */
export interface WebhookBody {
  id: string;
  name: string;
  url: string;
  events: string[];
  minSeverity: string;
  unit: { id: string; name: string; type: string | null; level: string } | null;
  active: boolean;
  createdBy: string;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  secret?: string;
}
export interface DeliveryBody {
  id: string;
  webhookId: string | null;
  channel: string;
  recipient: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  attemptLog: { at: string; statusCode: number | null; error: string | null; durationMs: number }[];
  deliveredAt: string | null;
  payload?: Record<string, unknown>;
}

/** One request a receiver got, with its raw body (signatures are over the exact bytes). */
export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
}

/**
 * A webhook endpoint on an ephemeral loopback port that records what it receives. `answers` are the
 * status codes of the next requests (then 200); `hang` keeps requests unanswered.
 */
export interface Receiver {
  url: string;
  received: Received[];
  answers: number[];
  hang: boolean;
  close(): Promise<void>;
}

export async function startReceiver(answers: number[] = [], port = 0): Promise<Receiver> {
  const hanging = new Set<import('node:http').ServerResponse>();
  const receiver: Receiver = {
    url: '',
    received: [],
    answers: [...answers],
    hang: false,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // kept raw
      }
      receiver.received.push({ headers: req.headers, raw, body });
      if (receiver.hang) {
        hanging.add(res);
        return;
      }
      const status = receiver.answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

/** A loopback URL nobody listens on (a port that was free a moment ago). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

/** A message the SMTP sink accepted, decoded. */
export interface Mail {
  to: string[];
  subject: string;
  text: string;
  headers: Map<string, string>;
}

/** A real SMTP server (smtp-server) on an ephemeral loopback port, keeping every message. */
export async function startSmtpSink(): Promise<{ url: string; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = parseMail(Buffer.concat(chunks).toString('latin1'));
        mail.to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        mails.push(mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Just enough MIME for nodemailer's plain-text mail: folded headers, RFC 2047 words, QP or base64 body. */
function parseMail(source: string): Mail {
  const split = source.indexOf('\r\n\r\n');
  const head = source.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  const rawBody = source.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(rawBody.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(rawBody)
        : Buffer.from(rawBody, 'latin1');
  return {
    to: [],
    subject: headers.get('subject') ?? '',
    text: bytes.toString('utf8').replace(/\r\n/g, '\n'),
    headers,
  };
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const source = text.replace(/=\r\n/g, '');
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '=' && /^[0-9A-F]{2}$/i.test(source.slice(i + 1, i + 3))) {
      bytes.push(parseInt(source.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(source.charCodeAt(i));
  }
  return Buffer.from(bytes);
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, (_m, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')).toString('utf8'),
    );
}

/** Lạng Sơn with two districts, communes in each, and IP clusters created through the API. */
export interface Fleet {
  province: Unit;
  districtA: Unit;
  districtB: Unit;
  /** Two communes of district A, one of district B. */
  communeA1: Unit;
  communeA2: Unit;
  communeB1: Unit;
  clusters: Map<string, ClusterItem[]>;
}

export async function setUpFleet(
  server: TestServer,
  clustersPerCommune: Record<string, number>,
): Promise<Fleet> {
  await importLangSon(server);
  const province = await unitByCode(server, '20');
  const [districtA, districtB] = await childrenOf(server, province.id, 2);
  const [communeA1, communeA2] = await childrenOf(server, districtA.id, 2);
  const [communeB1] = await childrenOf(server, districtB.id, 1);
  const fleet: Fleet = {
    province,
    districtA,
    districtB,
    communeA1,
    communeA2,
    communeB1,
    clusters: new Map(),
  };
  const communes = { communeA1, communeA2, communeB1 } as Record<string, Unit>;
  for (const [key, count] of Object.entries(clustersPerCommune)) {
    const commune = communes[key];
    const made: ClusterItem[] = [];
    for (let i = 0; i < count; i++) {
      const { cluster } = await createCluster(server, {
        code: `${commune.code}-${String(i).padStart(3, '0')}`,
        name: `Cụm loa ${commune.name} ${i + 1}`,
        kind: 'ip',
        communeId: commune.id,
      });
      made.push(cluster);
    }
    fleet.clusters.set(commune.id, made);
  }
  return fleet;
}

/** An alert as the health engine would publish it, for a real cluster of a real commune. */
export function alertView(
  cluster: ClusterItem,
  commune: Unit,
  options: { rule?: string; severity?: AlertSeverity; kind?: AlertChangeKind; id?: string } = {},
): AlertView {
  const now = new Date().toISOString();
  const kind = options.kind ?? 'opened';
  return {
    id: options.id ?? randomUUID(),
    clusterId: cluster.id,
    clusterCode: cluster.code,
    clusterName: cluster.name,
    communeId: commune.id,
    communeName: commune.name,
    unitPath: commune.path,
    villageId: null,
    villageName: null,
    rule: options.rule ?? 'offline',
    severity: options.severity ?? 'critical',
    state: kind === 'resolved' ? 'resolved' : kind === 'acknowledged' ? 'acknowledged' : 'open',
    since: now,
    openedAt: now,
    detail: null,
    value: null,
    flapping: false,
    acknowledgedAt: kind === 'acknowledged' ? now : null,
    acknowledgedBy: null,
    ackNote: null,
    clearedAt: null,
    resolvedAt: kind === 'resolved' ? now : null,
    resolution: kind === 'resolved' ? 'auto' : null,
    resolvedBy: null,
    updatedAt: now,
  };
}

export function publish(server: TestServer, kind: AlertChangeKind, alert: AlertView): void {
  server.app.get(AlertBus).publish(kind, alert);
}

export async function createWebhook(
  server: TestServer,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<WebhookBody & { secret: string }> {
  const res = await request<WebhookBody & { secret: string }>(
    'POST',
    server.url('/api/v1/webhooks'),
    { name: `Webhook ${randomUUID().slice(0, 6)}`, ...body },
    headers,
  );
  if (res.status !== 201) throw new Error(`webhook not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function deliveries(
  server: TestServer,
  webhookId: string,
  query = '',
): Promise<Page<DeliveryBody>> {
  const res = await request<Page<DeliveryBody>>(
    'GET',
    server.url(`/api/v1/webhooks/${webhookId}/deliveries${query ? `?${query}` : ''}`),
  );
  if (res.status !== 200) throw new Error(`deliveries: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Switches webhooks off so later tests' alerts do not reach them. */
export async function retire(server: TestServer, ...ids: string[]): Promise<void> {
  for (const id of ids) await request('PATCH', server.url(`/api/v1/webhooks/${id}`), { active: false });
}

/** A province of the post-2025 tree with one commune and one cluster, made through the API (no import). */
export async function tinyFleet(server: TestServer): Promise<{ commune: Unit; cluster: ClusterItem }> {
  const unit = async (body: Record<string, unknown>) => {
    const res = await request<Unit>('POST', server.url('/api/v1/units'), { era: 'post_2025', ...body });
    if (res.status !== 201) throw new Error(`unit not created: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const province = await unit({ level: 'province', code: '99', name: 'Tỉnh Thử Nghiệm', type: 'Tỉnh' });
  const commune = await unit({
    level: 'commune',
    code: '99001',
    name: 'Xã Thử',
    type: 'Xã',
    parentId: province.id,
  });
  const { cluster } = await createCluster(server, {
    code: 'TN-001',
    name: 'Cụm loa Thử',
    kind: 'ip',
    communeId: commune.id,
  });
  return { commune, cluster };
}
