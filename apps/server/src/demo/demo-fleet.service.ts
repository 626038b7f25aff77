import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { SimFleet, type SimCredential } from '@loa-xa/firmware-sim';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { BrokerService } from '../broker/broker.service';
import { ClustersService } from '../registry/clusters/clusters.service';
import { DemoRepository } from './demo.repository';
import { DemoProgrammeService } from './demo-programme.service';
import { SYSTEM } from '../access/scope';

const PREFIX = 'DEMO-';
const VILLAGES = ['Thôn Nà Pàn', 'Thôn Khòn Pình', 'Thôn Pác Cáp', 'Bản Nà Chà', 'Thôn Bản Làng'];

/**
 * SIM_FLEET simulated clusters in one demo commune, so a newcomer's first start has something to look at.
 * The clusters are real registry entries (codes DEMO-…); their credentials are rotated at every start and
 * held only in memory, and the simulator connects to the broker like any device would.
 */
@Injectable()
export class DemoFleetService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('DemoFleet');
  private fleet: SimFleet | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: DemoRepository,
    private readonly clusters: ClustersService,
    private readonly broker: BrokerService,
    private readonly programme: DemoProgrammeService,
  ) {}

  async start(): Promise<void> {
    const size = this.config.simFleet;
    if (size <= 0) return;
    const commune = await this.repository.firstCommune(this.config.demoProvince);
    if (!commune) {
      this.logger.warn(
        `SIM_FLEET=${size} but province ${this.config.demoProvince} is not in the registry: no demo fleet`,
      );
      return;
    }
    const station = await this.repository.ensureStation(commune);
    const villages = await this.repository.ensureVillages(commune, VILLAGES);
    const existing = await this.repository.demoClusters(PREFIX);
    const credentials: SimCredential[] = [];
    for (const cluster of existing.slice(0, size)) {
      const rotated = await this.clusters.rotateCredential(SYSTEM, cluster.id);
      credentials.push({ clusterId: cluster.id, secret: rotated.credential.password, code: cluster.code });
    }
    for (let i = existing.length; i < size; i++) {
      const village = villages[i % villages.length];
      const created = await this.clusters.create(SYSTEM, {
        code: `${PREFIX}${String(i + 1).padStart(3, '0')}`,
        name: `Cụm loa ${village.name} ${Math.floor(i / villages.length) + 1}`,
        kind: 'ip',
        lifecycle: 'active',
        communeId: commune.id,
        villageId: village.id,
        stationId: station.id,
        // Around Lạng Sơn city, so a map has something plausible to show.
        latitude: 21.85 + ((i * 37) % 100) / 2000,
        longitude: 106.76 + ((i * 53) % 100) / 2000,
        vendor: 'loa-xa',
        model: 'firmware-sim',
        firmware: 'sim-1',
      });
      if (!created.credential)
        throw new Error(`IP cluster ${created.cluster.code} was created without a credential`);
      credentials.push({
        clusterId: created.cluster.id,
        secret: created.credential.password,
        code: created.cluster.code,
      });
    }
    this.fleet = new SimFleet(credentials, {
      brokerUrl: this.broker.serverUrl,
      telemetryIntervalMs: this.config.simTelemetryMs,
      keepaliveS: 30,
      connectRatePerS: 50,
      vendor: 'loa-xa',
      model: 'firmware-sim',
      firmware: 'sim-1',
      // Something for the alerts page to show: a few faults an hour, a weak-signal village, short outages.
      faults: { ampFaultRatePerHour: 0.05, lineFaultRatePerHour: 0.05, mainsLossRatePerHour: 0.1 },
      link: { outageProbabilityPerMinute: 0.002, outageMinMs: 60_000, outageMaxMs: 20 * 60_000 },
      lowSignalFraction: 0.1,
    });
    await this.fleet.start();
    await this.programme.ensure(commune.id);
    this.logger.log(
      { commune: commune.name, clusters: credentials.length },
      `demo fleet: ${credentials.length} simulated clusters connecting in ${commune.name} (SIM_FLEET)`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.fleet?.stop(5000);
    this.fleet = null;
  }
}
