import {
  CliUsageError,
  DEFAULT_BROKER_URL,
  DEFAULT_CREDENTIALS_FILE,
  USAGE,
  parseCliArgs,
  type CliConfig,
} from './cli-args';
import { readCredentialsFile, readCredentialsFileIfExists, writeCredentialsFile } from './credentials';
import { SimFleet, type SimFleetStats } from './fleet';
import { PartialProvisionError, provisionClusters, type ProvisionedCluster } from './provision';

/** `npm run sim -- --help`: runs a fleet of simulated clusters until --duration or a signal. */

const log = (line: string) => console.log(`[sim] ${line}`);

async function provision(config: CliConfig): Promise<string> {
  const file = config.credentials ?? DEFAULT_CREDENTIALS_FILE;
  // Merge, never overwrite: the server shows each password once, losing the file loses the clusters.
  const existing = await readCredentialsFileIfExists(file);
  const count = config.clusters ?? 0;
  log(`provisioning ${count} cluster(s) in commune ${config.commune} through ${config.api}`);
  let created: ProvisionedCluster[];
  let failure: unknown;
  try {
    created = await provisionClusters({
      apiUrl: config.api ?? '',
      authorization: config.auth,
      communeCode: config.commune ?? '',
      count,
      codePrefix: config.codePrefix,
      startNumber: existing.clusters.length + 1,
      onCreated: (_cluster, done) => {
        if (done % 100 === 0 || done === count) log(`created ${done}/${count}`);
      },
    });
  } catch (error) {
    if (!(error instanceof PartialProvisionError)) throw error;
    created = error.created;
    failure = error;
  }
  const brokerUrl = existing.brokerUrl ?? created.find((c) => c.brokerUrl)?.brokerUrl;
  await writeCredentialsFile(file, {
    ...(brokerUrl ? { brokerUrl } : {}),
    clusters: [
      ...existing.clusters,
      ...created.map(({ clusterId, code, secret }) => ({ clusterId, code, secret })),
    ],
  });
  log(`${created.length} credential(s) added to ${file}`);
  if (failure) throw failure;
  return file;
}

function formatStats(stats: SimFleetStats, elapsedS: number): string {
  return (
    `t=${elapsedS}s online=${stats.online}/${stats.clusters} telemetry=${stats.telemetrySent} ` +
    `dropped=${stats.telemetryDropped} commands=${stats.commandsReceived} executed=${stats.commandsExecuted} ` +
    `invalid=${stats.invalidCommands} acks=${stats.acksSent} events=${stats.eventsRaised} reconnects=${stats.reconnects} ` +
    `manifests=${stats.withManifest} downloads=${stats.downloadsCompleted}/${stats.downloadsFailed} ` +
    `onAir=${stats.onAir} plays=${stats.playReportsSent}/${stats.playReports}`
  );
}

async function main(argv: readonly string[]): Promise<number> {
  let config: CliConfig;
  try {
    config = parseCliArgs(argv, process.env);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    console.error(`error: ${error.message}\nRun with --help for usage.`);
    return 2;
  }
  if (config.help) {
    console.log(USAGE);
    return 0;
  }

  const credentialsPath = config.provision ? await provision(config) : (config.credentials ?? '');
  const credentials = await readCredentialsFile(credentialsPath);
  if (credentials.clusters.length === 0) {
    console.error(`error: ${credentialsPath} holds no clusters`);
    return 1;
  }
  const brokerUrl = config.broker ?? credentials.brokerUrl ?? DEFAULT_BROKER_URL;

  const fleet = new SimFleet(credentials.clusters, {
    brokerUrl,
    seed: config.seed,
    connectRatePerS: config.connectRatePerS,
    telemetryIntervalMs: config.telemetryIntervalMs,
    keepaliveS: config.keepaliveS,
    clockSkewMs: config.clockSkewMs,
    clockCorrected: config.clockCorrected,
    download: config.download,
    mediaDir: config.mediaDir,
    maxConcurrentDownloads: config.maxConcurrentDownloads,
    downloadMaxAttempts: config.downloadMaxAttempts,
    downloadRetryMs: config.downloadRetryMs,
    reconnectPeriodMs: config.reconnectPeriodMs,
    rebootDurationMs: config.rebootDurationMs,
    lowSignalFraction: config.lowSignalFraction,
    link: {
      dropProbability: config.dropProbability,
      outageProbabilityPerMinute: config.outageProbabilityPerMinute,
      outageMinMs: config.outageMinMs,
      outageMaxMs: config.outageMaxMs,
    },
    faults: {
      ampFaultRatePerHour: config.ampFaultRatePerHour,
      lineFaultRatePerHour: config.lineFaultRatePerHour,
      mainsLossRatePerHour: config.mainsLossRatePerHour,
      meanFaultDurationMs: config.meanFaultDurationMs,
    },
  });
  const began = Date.now();
  const elapsedS = () => Math.round((Date.now() - began) / 1000);
  log(`${fleet.size} cluster(s) → ${brokerUrl}, seed ${fleet.seed}`);

  return new Promise<number>((resolve) => {
    // The one ref'd timer: keeps the process alive even while every cluster waits out an outage.
    const statsEveryMs = config.statsIntervalS > 0 ? config.statsIntervalS * 1000 : 60_000;
    const ticker = setInterval(() => {
      if (config.statsIntervalS > 0) log(formatStats(fleet.stats(), elapsedS()));
    }, statsEveryMs);
    let durationTimer: NodeJS.Timeout | undefined;
    let stopping = false;

    const shutdown = (why: string) => {
      if (stopping) {
        log('second signal: killing every cluster');
        fleet.kill();
        return resolve(130);
      }
      stopping = true;
      clearInterval(ticker);
      if (durationTimer) clearTimeout(durationTimer);
      log(`${why}: stopping ${fleet.size} cluster(s) cleanly`);
      fleet.stop().then(
        () => {
          log(`final: ${formatStats(fleet.stats(), elapsedS())}`);
          resolve(0);
        },
        (error: unknown) => {
          console.error('[sim] stop failed', error);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    if (config.durationS > 0) {
      durationTimer = setTimeout(
        () => shutdown(`duration ${config.durationS}s reached`),
        config.durationS * 1000,
      );
    }
    fleet.start().then(
      () => log(`all ${fleet.size} cluster(s) started`),
      (error: unknown) => console.error('[sim] start failed', error),
    );
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Everything is closed by now; this only guards against a stray handle keeping us alive.
      setTimeout(() => process.exit(code), 2000).unref();
    },
    (error: unknown) => {
      console.error(`[sim] ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

export { main };
