import { CliUsageError, USAGE, parseCliArgs } from './cli-args';

describe('parseCliArgs', () => {
  it('applies the documented defaults', () => {
    const config = parseCliArgs(['--credentials', 'c.json']);
    expect(config).toMatchObject({
      help: false,
      credentials: 'c.json',
      broker: undefined,
      provision: false,
      telemetryIntervalMs: 60_000,
      keepaliveS: 60,
      clockSkewMs: 0,
      clockCorrected: true,
      download: true,
      mediaDir: undefined,
      maxConcurrentDownloads: 0,
      downloadMaxAttempts: 5,
      downloadRetryMs: 2000,
      dropProbability: 0,
      outageProbabilityPerMinute: 0,
      connectRatePerS: 200,
      durationS: 0,
      statsIntervalS: 10,
      seed: undefined,
    });
  });

  it('parses every simulation flag', () => {
    const config = parseCliArgs(
      [
        '--broker mqtt://b:1883 --credentials f.json --telemetry-interval 5000 --keepalive 30 --clock-skew=-2500',
        '--drop-prob 0.05 --outage-prob 0.01 --outage-min 1000 --outage-max 9000 --amp-fault-rate 0.5',
        '--line-fault-rate 0.25 --mains-loss-rate 2 --low-signal 0.1 --connect-rate 50 --duration 30 --seed 7',
        '--stats-interval 5 --fault-duration 60000 --reconnect-period 250 --reboot-duration 100',
      ]
        .join(' ')
        .split(' '),
    );
    expect(config).toMatchObject({
      broker: 'mqtt://b:1883',
      telemetryIntervalMs: 5000,
      keepaliveS: 30,
      clockSkewMs: -2500,
      dropProbability: 0.05,
      outageProbabilityPerMinute: 0.01,
      outageMinMs: 1000,
      outageMaxMs: 9000,
      ampFaultRatePerHour: 0.5,
      lineFaultRatePerHour: 0.25,
      mainsLossRatePerHour: 2,
      lowSignalFraction: 0.1,
      connectRatePerS: 50,
      durationS: 30,
      seed: 7,
      statsIntervalS: 5,
      meanFaultDurationMs: 60_000,
      reconnectPeriodMs: 250,
      rebootDurationMs: 100,
    });
  });

  it('parses the broadcasting flags', () => {
    const config = parseCliArgs([
      '--credentials',
      'f.json',
      '--clock-skew-ms=-3000',
      '--no-clock-correction',
      '--media-dir',
      '/tmp/media',
      '--max-downloads',
      '50',
      '--download-attempts',
      '3',
      '--download-retry',
      '500',
    ]);
    expect(config).toMatchObject({
      clockSkewMs: -3000,
      clockCorrected: false,
      download: true,
      mediaDir: '/tmp/media',
      maxConcurrentDownloads: 50,
      downloadMaxAttempts: 3,
      downloadRetryMs: 500,
    });
    expect(parseCliArgs(['--credentials', 'f', '--no-download']).download).toBe(false);
    expect(parseCliArgs(['--credentials', 'f', '--clock-skew', '1500']).clockSkewMs).toBe(1500);
  });

  it('needs --api, --commune and --clusters with --provision', () => {
    expect(() => parseCliArgs(['--provision', '--api', 'http://x'])).toThrow(/--commune, --clusters/);
    const argv = ['--provision', '--api', 'http://x', '--commune', '00001', '--clusters', '3'];
    expect(() => parseCliArgs(argv)).toThrow(/needs credentials for the API: set LOA_API_KEY/);
    const config = parseCliArgs(argv, { LOA_API_KEY: 'lxk_abc_def' });
    expect(config).toMatchObject({
      provision: true,
      clusters: 3,
      commune: '00001',
      auth: 'Bearer lxk_abc_def',
    });
    expect(parseCliArgs([...argv, '--api-key', 'lxk_x_y']).auth).toBe('Bearer lxk_x_y');
    expect(parseCliArgs([...argv, '--auth', 'Bearer t']).auth).toBe('Bearer t');
    expect(() => parseCliArgs([...argv, '--auth', 'Bearer t', '--api-key', 'k'])).toThrow(/not both/);
  });

  it.each([
    [['--credentials', 'f', '--drop-prob', '1.5'], /--drop-prob/],
    [['--credentials', 'f', '--telemetry-interval', 'soon'], /--telemetry-interval/],
    [['--credentials', 'f', '--seed', '1.5'], /--seed must be an integer/],
    [['--credentials', 'f', '--outage-min', '10', '--outage-max', '5'], /--outage-max/],
    [['--credentials', 'f', '--nope'], /nope/],
    [['--credentials', 'f', '--clock-skew', '1', '--clock-skew-ms', '2'], /not both/],
    [['--credentials', 'f', '--no-download', '--media-dir', 'd'], /--media-dir needs downloads/],
    [['--credentials', 'f', '--max-downloads', '-1'], /--max-downloads/],
    [['--credentials', 'f', '--download-attempts', '0'], /--download-attempts/],
    [[], /nothing to simulate/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it('--help needs nothing else, and the usage lists every flag', () => {
    expect(parseCliArgs(['--help']).help).toBe(true);
    expect(parseCliArgs(['-h']).help).toBe(true);
    for (const flag of [
      '--broker',
      '--credentials',
      '--provision',
      '--api',
      '--commune',
      '--clusters',
      '--code-prefix',
      '--api-key',
      '--auth',
      '--telemetry-interval',
      '--keepalive',
      '--clock-skew',
      '--clock-skew-ms',
      '--no-clock-correction',
      '--no-download',
      '--media-dir',
      '--max-downloads',
      '--download-attempts',
      '--download-retry',
      '--drop-prob',
      '--outage-prob',
      '--outage-min',
      '--outage-max',
      '--amp-fault-rate',
      '--line-fault-rate',
      '--mains-loss-rate',
      '--low-signal',
      '--connect-rate',
      '--duration',
      '--seed',
      '--stats-interval',
      '--auth',
    ]) {
      expect(USAGE).toContain(flag);
    }
  });
});
