import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AdminUnit, Cluster } from '@loa-xa/persistence';
import type { Telemetry } from '@loa-xa/protocol';
import type { Page } from '../../common/pagination';
import { BrokerService } from '../../broker/broker.service';
import { FleetView } from '../../fleet/fleet-view.service';
import { CredentialsService, type IssuedCredential } from '../credentials.service';
import { fieldError, isUniqueViolation } from '../errors';
import { AuditService, diff } from '../../audit/audit.service';
import { pathInScope, type Principal } from '../../access/scope';
import { StationsRepository } from '../stations/stations.repository';
import { UnitsRepository } from '../units/units.repository';
import { LIFECYCLE_TRANSITIONS, RETIRED_LIFECYCLES, canTransition } from './cluster-lifecycle';
import { ClustersRepository, type ClusterChanges, type NewCluster } from './clusters.repository';
import {
  ClusterView,
  type ClusterDetailView,
  type ClusterLiveView,
  type ClusterQuery,
  type CreateClusterDto,
  type CreatedClusterView,
  type ClusterVitals,
  type CredentialView,
  type RotatedCredentialView,
  type UpdateClusterDto,
} from './cluster.dto';

interface Placement {
  communeId: string;
  villageId: string | null;
  stationId: string | null;
  /** Path of the commune, for scope and the audit log. */
  communePath: string;
}

/** Fields compared for the audit log (everything a person can change), by the API and the CSV import. */
export const CLUSTER_AUDITED_FIELDS: (keyof NewCluster)[] = [
  'code',
  'name',
  'kind',
  'lifecycle',
  'communeId',
  'villageId',
  'stationId',
  'latitude',
  'longitude',
  'address',
  'vendor',
  'model',
  'firmware',
  'serial',
  'msisdn',
  'iccid',
  'ipConnected',
  'installedOn',
  'notes',
];

const nfc = <T extends string | null | undefined>(value: T): T =>
  (typeof value === 'string' ? value.normalize('NFC') : value) as T;

/**
 * Loudspeaker clusters: registration (with the MQTT credential of IP clusters), lifecycle, and the live state
 * the fleet view holds for each.
 */
@Injectable()
export class ClustersService {
  constructor(
    private readonly clusters: ClustersRepository,
    private readonly units: UnitsRepository,
    private readonly stations: StationsRepository,
    private readonly credentials: CredentialsService,
    private readonly broker: BrokerService,
    private readonly fleet: FleetView,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal, query: ClusterQuery): Promise<Page<ClusterView>> {
    const online =
      query.online === undefined ? undefined : { online: query.online, ids: this.fleet.onlineIds() };
    const [rows, total] = await this.clusters.list({ ...query, online, scope: principal.scope });
    return { items: rows.map((row) => this.view(row)), total, page: query.page, pageSize: query.pageSize };
  }

  async get(principal: Principal, id: string): Promise<ClusterDetailView> {
    const row = await this.require(principal, id);
    return { ...this.view(row), live: row.kind === 'ip' ? this.live(id) : null };
  }

  /** The fleet view's state of an IP cluster now (null: not in the fleet view). */
  live(id: string): ClusterLiveView | null {
    const live = this.fleet.get(id);
    if (!live) return null;
    return {
      online: live.online,
      since: live.since,
      lastSeenAt: live.lastSeenAt,
      hello: live.hello ? { ...live.hello } : null,
      telemetry: live.telemetry ? { ...live.telemetry } : null,
      telemetryAt: live.telemetryAt,
      faults: [...live.faults.values()].map((f) => ({ code: f.code, since: f.since, detail: f.detail })),
    };
  }

  async create(principal: Principal, dto: CreateClusterDto): Promise<CreatedClusterView> {
    checkPosition(dto.latitude ?? null, dto.longitude ?? null);
    checkIpConnected(dto.kind, dto.ipConnected);
    const { communePath, ...placement } = await this.place(
      principal,
      dto.communeId,
      dto.villageId ?? null,
      dto.stationId,
    );
    if (await this.clusters.codeTaken(dto.code)) throw codeTaken(dto.code);
    const id = randomUUID();
    let issued: IssuedCredential | null;
    try {
      issued = await this.clusters.transaction(async (manager) => {
        const cluster = {
          id,
          code: dto.code,
          name: nfc(dto.name),
          kind: dto.kind,
          lifecycle: dto.lifecycle ?? 'active',
          ...placement,
          latitude: dto.latitude ?? null,
          longitude: dto.longitude ?? null,
          address: nfc(dto.address) ?? null,
          vendor: dto.vendor ?? null,
          model: dto.model ?? null,
          firmware: dto.firmware ?? null,
          serial: dto.serial ?? null,
          msisdn: dto.msisdn ?? null,
          iccid: dto.iccid ?? null,
          installedOn: dto.installedOn ?? null,
          notes: nfc(dto.notes) ?? null,
          ipConnected: dto.ipConnected ?? false,
        };
        await this.clusters.insert(cluster, manager);
        const credential = dto.kind === 'ip' ? await this.credentials.issue(id, manager) : null;
        await this.audit.record(manager, principal, {
          action: 'cluster.create',
          objectType: 'cluster',
          objectId: id,
          unitPath: communePath,
          changes: diff(null, cluster, CLUSTER_AUDITED_FIELDS),
          detail: credential ? { credential: 'issued' } : null,
        });
        return credential;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw codeTaken(dto.code);
      throw err;
    }
    if (issued) {
      this.credentials.prime([issued]);
      this.fleet.register(id);
    }
    const row = (await this.clusters.findById(id)) as Cluster;
    return {
      cluster: this.view(row),
      credential: issued === null ? null : this.credential(id, issued.secret),
    };
  }

  async update(principal: Principal, id: string, dto: UpdateClusterDto): Promise<ClusterDetailView> {
    const current = await this.require(principal, id);
    if (dto.kind !== undefined && dto.kind !== current.kind)
      throw fieldError(
        'kind',
        'immutable',
        `kind cannot change (this cluster is ${current.kind}): register the new cluster and mark this one replaced`,
      );
    const changes: ClusterChanges = {};

    if (dto.code !== undefined && dto.code !== current.code) {
      if (await this.clusters.codeTaken(dto.code, id)) throw codeTaken(dto.code);
      changes.code = dto.code;
    }
    const to = dto.lifecycle;
    if (to !== undefined && to !== current.lifecycle) {
      if (!canTransition(current.lifecycle, to)) throw lifecycleRefused(current.lifecycle, to);
      changes.lifecycle = to;
    }
    if (dto.communeId !== undefined || dto.villageId !== undefined || dto.stationId !== undefined) {
      const communeId = dto.communeId ?? current.communeId;
      const moved = communeId !== current.communeId;
      // A village or station belongs to one commune: moving the cluster drops them unless new ones are given.
      const villageId = dto.villageId !== undefined ? dto.villageId : moved ? null : current.villageId;
      const stationId = dto.stationId !== undefined ? dto.stationId : moved ? undefined : current.stationId;
      const { communePath: _path, ...placement } = await this.place(
        principal,
        communeId,
        villageId,
        stationId,
      );
      Object.assign(changes, placement);
    }
    const latitude = dto.latitude !== undefined ? dto.latitude : current.latitude;
    const longitude = dto.longitude !== undefined ? dto.longitude : current.longitude;
    checkPosition(latitude, longitude);
    if (dto.name !== undefined) changes.name = nfc(dto.name);
    if (dto.latitude !== undefined) changes.latitude = dto.latitude;
    if (dto.longitude !== undefined) changes.longitude = dto.longitude;
    if (dto.address !== undefined) changes.address = nfc(dto.address);
    if (dto.vendor !== undefined) changes.vendor = dto.vendor;
    if (dto.model !== undefined) changes.model = dto.model;
    if (dto.firmware !== undefined) changes.firmware = dto.firmware;
    if (dto.serial !== undefined) changes.serial = dto.serial;
    if (dto.msisdn !== undefined) changes.msisdn = dto.msisdn;
    if (dto.iccid !== undefined) changes.iccid = dto.iccid;
    if (dto.installedOn !== undefined) changes.installedOn = dto.installedOn;
    if (dto.notes !== undefined) changes.notes = nfc(dto.notes);
    if (dto.ipConnected !== undefined) {
      checkIpConnected(current.kind, dto.ipConnected);
      changes.ipConnected = dto.ipConnected;
    }

    const retiring =
      current.kind === 'ip' && changes.lifecycle !== undefined && RETIRED_LIFECYCLES.has(changes.lifecycle);
    const changed = diff(current, { ...current, ...changes } as Cluster, CLUSTER_AUDITED_FIELDS);
    if (Object.keys(changed).length === 0) return this.get(principal, id);
    try {
      await this.clusters.transaction(async (manager) => {
        await this.clusters.update(id, changes, manager);
        // A replaced or decommissioned device must not connect any more.
        if (retiring) await this.credentials.revoke(id, manager);
        await this.audit.record(manager, principal, {
          action: 'cluster.update',
          objectType: 'cluster',
          objectId: id,
          unitPath: current.commune?.path ?? null,
          changes: changed,
          detail: retiring ? { credential: 'revoked' } : null,
        });
      });
    } catch (err) {
      if (isUniqueViolation(err) && changes.code) throw codeTaken(changes.code);
      throw err;
    }
    if (retiring) {
      this.fleet.forget(id);
      this.broker.disconnect(id); // a revoked credential must not keep an open session
    }
    return this.get(principal, id);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const row = await this.require(principal, id);
    const deleted =
      row.lifecycle === 'planned' &&
      (await this.clusters.transaction(async (manager) => {
        if (!(await this.clusters.deleteIf(id, 'planned', manager))) return false;
        await this.audit.record(manager, principal, {
          action: 'cluster.delete',
          objectType: 'cluster',
          objectId: id,
          unitPath: row.commune?.path ?? null,
          changes: diff(row, null, CLUSTER_AUDITED_FIELDS),
        });
        return true;
      }));
    if (!deleted) {
      const now = (await this.clusters.findById(id))?.lifecycle ?? row.lifecycle;
      throw new ConflictException(
        `cluster ${row.code} is ${now}: only planned clusters can be deleted; decommission it instead (PATCH lifecycle=decommissioned) so its history is kept`,
      );
    }
    this.fleet.forget(id);
  }

  async rotateCredential(principal: Principal, id: string): Promise<RotatedCredentialView> {
    const row = await this.require(principal, id);
    if (row.kind !== 'ip')
      throw new ConflictException(
        `cluster ${row.code} is ${row.kind}: only IP clusters have an MQTT credential`,
      );
    if (RETIRED_LIFECYCLES.has(row.lifecycle))
      throw new ConflictException(`cluster ${row.code} is ${row.lifecycle}: its credential stays revoked`);
    const issued = await this.clusters.transaction(async (manager) => {
      const credential = await this.credentials.issue(id, manager);
      await this.audit.record(manager, principal, {
        action: 'cluster.credential_rotate',
        objectType: 'cluster',
        objectId: id,
        unitPath: row.commune?.path ?? null,
      });
      return credential;
    });
    this.credentials.prime([issued]);
    this.fleet.register(id);
    return { credential: this.credential(id, issued.secret) };
  }

  /** Where a cluster hangs: a commune, optionally a village of it and the commune's station. */
  async place(
    principal: Principal,
    communeId: string,
    villageId: string | null,
    stationId: string | null | undefined,
  ): Promise<Placement> {
    const commune = await this.units.findById(communeId);
    if (!commune) throw fieldError('communeId', 'exists', `communeId ${communeId} is not a known unit`);
    if (commune.level !== 'commune')
      throw fieldError(
        'communeId',
        'isCommune',
        `communeId must be a commune: ${label(commune)} is a ${commune.level}`,
      );
    if (!pathInScope(principal.scope, commune.path))
      throw new ForbiddenException(`commune ${label(commune)} is outside your scope`);
    if (villageId !== null) {
      const village = await this.units.findById(villageId);
      if (!village || village.level !== 'village' || village.parentId !== commune.id)
        throw fieldError(
          'villageId',
          'villageOfCommune',
          `villageId must be a village of ${label(commune)}${village ? `; ${label(village)} is not` : `; ${villageId} is not a known unit`}`,
        );
    }
    if (stationId === undefined) {
      stationId = (await this.stations.findByCommune(commune.id))?.id ?? null;
    } else if (stationId !== null) {
      const station = await this.stations.findById(stationId, null);
      if (!station || station.communeId !== commune.id)
        throw fieldError(
          'stationId',
          'stationOfCommune',
          `stationId must be the station of ${label(commune)}`,
        );
    }
    return { communeId: commune.id, villageId, stationId, communePath: commune.path };
  }

  private view(row: Cluster): ClusterView {
    const live = row.kind === 'ip' ? this.fleet.get(row.id) : undefined;
    return ClusterView.from(row, {
      online: live?.online ?? false,
      lastSeenAt: live?.lastSeenAt ?? null,
      activeFaults: live ? [...live.faults.keys()] : [],
      vitals: live?.telemetry && live.telemetryAt ? vitals(live.telemetry, live.telemetryAt) : null,
    });
  }

  private credential(id: string, secret: string): CredentialView {
    const brokerUrl = this.broker.publicUrl;
    return { username: id, clientId: id, password: secret, ...(brokerUrl ? { brokerUrl } : {}) };
  }

  /** A cluster inside the caller's scope; 404 for any other, so ids outside it are not even confirmed. */
  private async require(principal: Principal, id: string): Promise<Cluster> {
    const row = await this.clusters.findInScope(id, principal.scope);
    if (!row) throw new NotFoundException(`cluster ${id} not found`);
    return row;
  }
}

function label(unit: AdminUnit): string {
  return `${unit.name} (${unit.code})`;
}

/** Latitude and longitude make sense only together. */
export function positionErrors(
  latitude: number | null,
  longitude: number | null,
): { field: string; message: string }[] {
  if ((latitude === null) === (longitude === null)) return [];
  const missing = latitude === null ? 'latitude' : 'longitude';
  return [
    { field: missing, message: `${missing} is missing: give latitude and longitude together, or neither` },
  ];
}

/** Only an FM cluster can be fed by an IP receiver (TT39 Điều 6); an IP cluster is IP by nature. */
export function ipConnectedError(
  kind: Cluster['kind'],
  ipConnected: boolean | undefined,
): { field: string; message: string } | null {
  if (kind !== 'ip' || ipConnected !== true) return null;
  return {
    field: 'ipConnected',
    message:
      'ipConnected applies to FM clusters only (fm_wired, fm_wireless): an IP cluster cannot be set to true',
  };
}

function checkIpConnected(kind: Cluster['kind'], ipConnected: boolean | undefined): void {
  const error = ipConnectedError(kind, ipConnected);
  if (error) throw fieldError(error.field, 'fmOnly', error.message);
}

function checkPosition(latitude: number | null, longitude: number | null): void {
  const [error] = positionErrors(latitude, longitude);
  if (error) throw fieldError(error.field, 'pairedCoordinates', error.message);
}

function codeTaken(code: string): ConflictException {
  return new ConflictException(`a cluster with code ${code} already exists`);
}

function lifecycleRefused(from: Cluster['lifecycle'], to: Cluster['lifecycle']): ConflictException {
  const allowed = LIFECYCLE_TRANSITIONS[from];
  return new ConflictException(
    `lifecycle change from ${from} to ${to} is not allowed` +
      (allowed.length ? ` (from ${from}: ${allowed.join(', ')})` : `: ${from} is final`),
  );
}

function vitals(telemetry: Telemetry, at: Date): ClusterVitals {
  return {
    at,
    network: telemetry.net.type,
    rsrp: telemetry.net.rsrp ?? null,
    rssi: telemetry.net.rssi ?? null,
    powerSource: telemetry.power.source,
    batteryPct: telemetry.power.batteryPct ?? null,
    volume: telemetry.volume,
  };
}
