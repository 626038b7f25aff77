import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, renderConfigTable } from './app-config';

describe('configuration', () => {
  it('defaults to the embedded mode with a demo fleet of 20', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      mqttPort: 1883,
      mqttWsPort: 8083,
      embedded: true,
      simFleet: 20,
      logLevel: 'info',
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('turns the demo fleet off by default when PostgreSQL is used', () => {
    const pg = { DATABASE_URL: 'postgres://x@127.0.0.1/db', AUTH_SECRET: 'k'.repeat(32) };
    expect(loadConfig(pg)).toMatchObject({ embedded: false, simFleet: 0 });
    expect(loadConfig({ ...pg, SIM_FLEET: '5' }).simFleet).toBe(5);
  });

  it('disables a listener with "off"', () => {
    expect(loadConfig({ MQTT_WS_PORT: 'off' }).mqttWsPort).toBeNull();
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be an integer between 0 and 65535, got "eighty"/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ SIM_FLEET: '-3' }, /SIM_FLEET must be an integer/],
    [{ MQTT_URL: 'mqtt://broker:1883' }, /MQTT_PASSWORD is required/],
    [{ TLS_CERT_FILE: '/tmp/cert.pem' }, /TLS_CERT_FILE and TLS_KEY_FILE must be set together/],
    [{ DATABASE_URL: 'postgres://x@127.0.0.1/db' }, /AUTH_SECRET is required/],
    [{ AUTH_SECRET: 'short' }, /AUTH_SECRET must be at least 32 characters/],
    [{ MQTT_RATE_PER_S: '0' }, /MQTT_RATE_PER_S must be an integer between 1/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('is documented in the README exactly as the code reads it', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    const start = readme.indexOf('<!-- config-table:start -->');
    const end = readme.indexOf('<!-- config-table:end -->');
    expect(start).toBeGreaterThan(-1);
    const documented = readme.slice(start + '<!-- config-table:start -->'.length, end);
    // Compare cell by cell: Prettier may re-align the Markdown table.
    const cells = (table: string) =>
      table
        .trim()
        .split('\n')
        .filter((line) => !/^\|[\s|:-]+\|$/.test(line))
        .map((line) => line.split(/(?<!\\)\|/).map((cell) => cell.trim()));
    expect(cells(documented)).toEqual(cells(renderConfigTable()));
  });
});
