import { startTestServer, type TestServer } from './support/test-server';
import { request } from './support/http';

describe('server start', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('reports ready with database, broker and MQTT link up', async () => {
    const res = await request<{ status: string; checks: Record<string, { status: string }> }>(
      'GET',
      server.url('/health'),
    );
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({
      database: { status: 'up' },
      broker: { status: 'up' },
      mqttLink: { status: 'up' },
    });
  });
});
