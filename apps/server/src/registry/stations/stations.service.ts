import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { AdminUnit, Station } from '@loa-xa/persistence';
import type { Page } from '../../common/pagination';
import { fieldError, isUniqueViolation } from '../errors';
import { UnitsRepository } from '../units/units.repository';
import { StationsRepository, type NewStation, type StationChanges } from './stations.repository';
import { AuditService, diff } from '../../audit/audit.service';
import { pathInScope, type Principal } from '../../access/scope';
import { StationView, type CreateStationDto, type StationQuery, type UpdateStationDto } from './station.dto';

const AUDITED: (keyof NewStation)[] = ['communeId', 'name', 'address', 'phone', 'isIp', 'establishedOn'];

/** Commune radio stations: one per commune. */
@Injectable()
export class StationsService {
  constructor(
    private readonly stations: StationsRepository,
    private readonly units: UnitsRepository,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal, query: StationQuery): Promise<Page<StationView>> {
    const [rows, total] = await this.stations.list({ ...query, scope: principal.scope });
    return { items: rows.map((s) => StationView.from(s)), total, page: query.page, pageSize: query.pageSize };
  }

  async get(principal: Principal, id: string): Promise<StationView> {
    return StationView.from(await this.require(principal, id));
  }

  async create(principal: Principal, dto: CreateStationDto): Promise<StationView> {
    const commune = await this.units.findById(dto.communeId);
    if (!commune) throw fieldError('communeId', 'exists', `communeId ${dto.communeId} is not a known unit`);
    if (commune.level !== 'commune')
      throw fieldError(
        'communeId',
        'isCommune',
        `communeId must be a commune: ${commune.name} (${commune.code}) is a ${commune.level}`,
      );
    if (!pathInScope(principal.scope, commune.path))
      throw new ForbiddenException(`commune ${commune.name} (${commune.code}) is outside your scope`);
    const existing = await this.stations.findByCommune(commune.id);
    if (existing) throw this.taken(commune, existing.id);
    try {
      const id = await this.stations.transaction(async (manager) => {
        const station = {
          communeId: commune.id,
          name: dto.name.normalize('NFC'),
          address: dto.address?.normalize('NFC') ?? null,
          phone: dto.phone ?? null,
          isIp: dto.isIp ?? true,
          establishedOn: dto.establishedOn ?? null,
        };
        const stationId = await this.stations.insert(station, manager);
        await this.audit.record(manager, principal, {
          action: 'station.create',
          objectType: 'station',
          objectId: stationId,
          unitPath: commune.path,
          changes: diff(null, station, AUDITED),
        });
        return stationId;
      });
      return this.get(principal, id);
    } catch (err) {
      if (isUniqueViolation(err))
        throw this.taken(commune, (await this.stations.findByCommune(commune.id))?.id);
      throw err;
    }
  }

  async update(principal: Principal, id: string, dto: UpdateStationDto): Promise<StationView> {
    const before = await this.require(principal, id);
    const changes: StationChanges = {};
    if (dto.name !== undefined) changes.name = dto.name.normalize('NFC');
    if (dto.address !== undefined) changes.address = dto.address?.normalize('NFC') ?? null;
    if (dto.phone !== undefined) changes.phone = dto.phone;
    if (dto.isIp !== undefined) changes.isIp = dto.isIp;
    if (dto.establishedOn !== undefined) changes.establishedOn = dto.establishedOn;
    const changed = diff(before, { ...before, ...changes }, AUDITED);
    if (Object.keys(changed).length > 0)
      await this.stations.transaction(async (manager) => {
        await this.stations.update(id, changes, manager);
        await this.audit.record(manager, principal, {
          action: 'station.update',
          objectType: 'station',
          objectId: id,
          unitPath: before.commune?.path ?? null,
          changes: changed,
        });
      });
    return this.get(principal, id);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const before = await this.require(principal, id);
    await this.stations.transaction(async (manager) => {
      if (!(await this.stations.delete(id, manager))) throw new NotFoundException(`station ${id} not found`);
      await this.audit.record(manager, principal, {
        action: 'station.delete',
        objectType: 'station',
        objectId: id,
        unitPath: before.commune?.path ?? null,
        changes: diff(before, null, AUDITED),
      });
    });
  }

  /** A station inside the caller's scope; 404 for any other. */
  private async require(principal: Principal, id: string): Promise<Station> {
    const station = await this.stations.findById(id, principal.scope);
    if (!station) throw new NotFoundException(`station ${id} not found`);
    return station;
  }

  private taken(commune: AdminUnit, stationId: string | undefined): ConflictException {
    return new ConflictException(
      `commune ${commune.name} (${commune.code}) already has a station${stationId ? ` (${stationId})` : ''}: one station per commune`,
    );
  }
}
