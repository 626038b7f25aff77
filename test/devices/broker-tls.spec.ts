import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { clusterTopic, encodePayload } from '@loa-xa/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { eventually } from '../support/http';
import { connectDevice, provisionClusters, sampleTelemetry, type ProvisionedCluster } from '../support/fleet';

const openssl = (cwd: string, ...args: string[]) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

/** A throw-away certificate authority (EC P-256, one day), made with the openssl command line in `dir`. */
function makeCa(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=loa-xa ${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    key,
    '-out',
    cert,
  );
  return { cert, key };
}

/** A broker certificate for 127.0.0.1 and localhost, signed by `ca`. */
function makeServerCertificate(
  dir: string,
  ca: { cert: string; key: string },
): { cert: string; key: string } {
  const cert = join(dir, 'broker.crt');
  const key = join(dir, 'broker.key');
  const csr = join(dir, 'broker.csr');
  const ext = join(dir, 'broker.ext');
  openssl(
    dir,
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    key,
    '-out',
    csr,
  );
  writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ].join('\n'),
  );
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-set_serial',
    '0x1a2b3c4d',
    '-days',
    '1',
    '-extfile',
    ext,
    '-out',
    cert,
  );
  return { cert, key };
}

describe('embedded broker over TLS and WSS, with a certificate from a private CA', () => {
  let dir: string;
  let server: TestServer;
  let cluster: ProvisionedCluster;
  let ca: Buffer;
  let otherCa: Buffer;
  const clients: MqttClient[] = [];

  const storedTelemetry = async (): Promise<number> => {
    const [row] = (await server.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM telemetry_sample WHERE cluster_id = $1`, [cluster.id])) as {
      n: number;
    }[];
    return row.n;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loa-tls-'));
    const authority = makeCa(dir, 'test-ca');
    const { cert, key } = makeServerCertificate(dir, authority);
    ca = readFileSync(authority.cert);
    otherCa = readFileSync(makeCa(dir, 'other-ca').cert);
    server = await startTestServer({ tlsCertFile: cert, tlsKeyFile: key });
    [cluster] = await provisionClusters(server, 1);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens TLS and WSS listeners when a certificate is configured', () => {
    expect(server.broker.listening.tls).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(server.broker.listening.wss).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/mqtt$/);
  });

  it.each(['tls', 'wss'] as const)(
    'accepts a cluster over %s that trusts the CA, and ingests its telemetry',
    async (kind) => {
      const device = await connectDevice(server.broker.listening[kind] as string, cluster, {
        ca,
        rejectUnauthorized: true,
      });
      clients.push(device);
      expect(device.connected).toBe(true);
      const before = await storedTelemetry();
      await device.publishAsync(
        clusterTopic(cluster.id, 'telemetry'),
        encodePayload('Telemetry', sampleTelemetry(before + 1)),
        { qos: 1 },
      );
      await eventually(async () => (await storedTelemetry()) === before + 1);
    },
  );

  it('is valid for the host name localhost too', async () => {
    // Connect to the loopback address but check the certificate as for "localhost" (its DNS name).
    const device = await connectDevice(server.broker.listening.tls as string, cluster, {
      ca,
      rejectUnauthorized: true,
      servername: 'localhost',
    });
    clients.push(device);
    expect(device.connected).toBe(true);
  });

  it.each([
    ['trusts only the public CAs', () => ({})],
    ['trusts another private CA', () => ({ ca: otherCa })],
  ] as [string, () => { ca?: Buffer }][])(
    'is refused with a certificate error by a client that %s',
    async (_label, trust) => {
      for (const kind of ['tls', 'wss'] as const) {
        await expect(
          connectDevice(server.broker.listening[kind] as string, cluster, {
            ...trust(),
            rejectUnauthorized: true,
          }),
        ).rejects.toThrow(/certificate/i);
      }
    },
  );

  it('is refused by a client that expects another host name', async () => {
    await expect(
      connectDevice(server.broker.listening.tls as string, cluster, {
        ca,
        rejectUnauthorized: true,
        servername: 'broker.example.vn',
      }),
    ).rejects.toThrow(/altnames|does not match/i);
  });

  it.each(['tls', 'wss'] as const)('still checks the credential over %s', async (kind) => {
    await expect(
      connectDevice(
        server.broker.listening[kind] as string,
        { ...cluster, secret: 'wrong' },
        { ca, rejectUnauthorized: true },
      ),
    ).rejects.toThrow(/Bad username or password/);
  });
});
