import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { AdminUnit, Station } from '@loa-xa/persistence';
import type { Page } from '../../common/pagination';
import { fieldError, isUniqueViolation } from '../errors';
import { UnitsRepository } from '../units/units.repository';
import { StationsRepository, type StationChanges } from './stations.repository';
import { StationView, type CreateStationDto, type StationQuery, type UpdateStationDto } from './station.dto';

/** Commune radio stations: one per commune. */
@Injectable()
export class StationsService {
  constructor(
    private readonly stations: StationsRepository,
    private readonly units: UnitsRepository,
  ) {}

  async list(query: StationQuery): Promise<Page<StationView>> {
    const [rows, total] = await this.stations.list(query);
    return { items: rows.map((s) => StationView.from(s)), total, page: query.page, pageSize: query.pageSize };
  }

  async get(id: string): Promise<StationView> {
    return StationView.from(await this.require(id));
  }

  async create(dto: CreateStationDto): Promise<StationView> {
    const commune = await this.units.findById(dto.communeId);
    if (!commune) throw fieldError('communeId', 'exists', `communeId ${dto.communeId} is not a known unit`);
    if (commune.level !== 'commune')
      throw fieldError(
        'communeId',
        'isCommune',
        `communeId must be a commune: ${commune.name} (${commune.code}) is a ${commune.level}`,
      );
    const existing = await this.stations.findByCommune(commune.id);
    if (existing) throw this.taken(commune, existing.id);
    try {
      const id = await this.stations.transaction((manager) =>
        this.stations.insert(
          {
            communeId: commune.id,
            name: dto.name.normalize('NFC'),
            address: dto.address?.normalize('NFC') ?? null,
            phone: dto.phone ?? null,
            isIp: dto.isIp ?? true,
            establishedOn: dto.establishedOn ?? null,
          },
          manager,
        ),
      );
      return this.get(id);
    } catch (err) {
      if (isUniqueViolation(err))
        throw this.taken(commune, (await this.stations.findByCommune(commune.id))?.id);
      throw err;
    }
  }

  async update(id: string, dto: UpdateStationDto): Promise<StationView> {
    await this.require(id);
    const changes: StationChanges = {};
    if (dto.name !== undefined) changes.name = dto.name.normalize('NFC');
    if (dto.address !== undefined) changes.address = dto.address?.normalize('NFC') ?? null;
    if (dto.phone !== undefined) changes.phone = dto.phone;
    if (dto.isIp !== undefined) changes.isIp = dto.isIp;
    if (dto.establishedOn !== undefined) changes.establishedOn = dto.establishedOn;
    await this.stations.update(id, changes);
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.stations.delete(id))) throw new NotFoundException(`station ${id} not found`);
  }

  private async require(id: string): Promise<Station> {
    const station = await this.stations.findById(id);
    if (!station) throw new NotFoundException(`station ${id} not found`);
    return station;
  }

  private taken(commune: AdminUnit, stationId: string | undefined): ConflictException {
    return new ConflictException(
      `commune ${commune.name} (${commune.code}) already has a station${stationId ? ` (${stationId})` : ''}: one station per commune`,
    );
  }
}
