import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/test-server';
import { connectDevice, provisionClusters, type ProvisionedCluster } from '../support/fleet';

/** A throw-away self-signed certificate for 127.0.0.1, made with the openssl command line. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'broker.crt');
  const key = join(dir, 'broker.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

describe('embedded broker over TLS', () => {
  let dir: string;
  let server: TestServer;
  let cluster: ProvisionedCluster;
  let ca: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loa-tls-'));
    const { cert, key } = selfSignedCertificate(dir);
    ca = readFileSync(cert);
    server = await startTestServer({ tlsCertFile: cert, tlsKeyFile: key });
    [cluster] = await provisionClusters(server, 1);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens TLS and WSS listeners when a certificate is configured', () => {
    expect(server.broker.listening.tls).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(server.broker.listening.wss).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/mqtt$/);
  });

  it.each(['tls', 'wss'] as const)(
    'accepts a cluster over %s when it trusts the certificate',
    async (kind) => {
      const device = await connectDevice(server.broker.listening[kind] as string, cluster, { ca });
      expect(device.connected).toBe(true);
      await device.endAsync();
    },
  );

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(connectDevice(server.broker.listening.tls as string, cluster)).rejects.toThrow(
      /self.signed|certificate/i,
    );
  });

  it('still checks the credential over TLS', async () => {
    await expect(
      connectDevice(server.broker.listening.tls as string, { ...cluster, secret: 'wrong' }, { ca }),
    ).rejects.toThrow(/Bad username or password/);
  });
});
