import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AdminUnit, UnitEra } from '@loa-xa/persistence';
import type { Page } from '../../common/pagination';
import { fieldError, isUniqueViolation } from '../errors';
import { UnitsRepository } from './units.repository';
import { AuditService, diff } from '../../audit/audit.service';
import { pathInScope, type Principal } from '../../access/scope';
import {
  UnitDetailView,
  UnitRef,
  UnitView,
  type CreateUnitDto,
  type UnitChildrenQuery,
  type UnitQuery,
} from './unit.dto';

const label = (unit: AdminUnit) => `${unit.level} ${unit.code} (${unit.name}, ${unit.era})`;

/** The administrative tree: browsing, and the units people add by hand (villages, the post-2025 tree). */
@Injectable()
export class UnitsService {
  constructor(
    private readonly units: UnitsRepository,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal, query: UnitQuery): Promise<Page<UnitView>> {
    // Children share their parent's era, so the default era applies only to searches across the tree.
    const era = query.era ?? (query.parentId ? undefined : 'pre_2025');
    const [rows, total] = await this.units.list({ ...query, era, scope: principal.scope });
    return { items: rows.map((u) => UnitView.from(u)), total, page: query.page, pageSize: query.pageSize };
  }

  async get(principal: Principal, id: string): Promise<UnitDetailView> {
    const unit = await this.require(principal, id);
    const ancestorIds = unit.path.split('/').filter((part) => part && part !== unit.id);
    const [ancestors, childCount] = await Promise.all([
      this.units.findByIds(ancestorIds),
      this.units.countChildren(id),
    ]);
    const byId = new Map(ancestors.map((a) => [a.id, a]));
    return {
      ...UnitView.from(unit),
      ancestors: ancestorIds.flatMap((a) => (byId.has(a) ? [UnitRef.from(byId.get(a) as AdminUnit)] : [])),
      childCount,
    };
  }

  async children(principal: Principal, id: string, query: UnitChildrenQuery): Promise<Page<UnitView>> {
    await this.require(principal, id);
    const [rows, total] = await this.units.list({ ...query, parentId: id, scope: principal.scope });
    return { items: rows.map((u) => UnitView.from(u)), total, page: query.page, pageSize: query.pageSize };
  }

  async create(principal: Principal, dto: CreateUnitDto): Promise<UnitView> {
    const { era, parent } = await this.placement(dto);
    if (parent ? !pathInScope(principal.scope, parent.path) : principal.scope !== null)
      throw new ForbiddenException(
        parent ? `${label(parent)} is outside your scope` : 'only an administrator creates provinces',
      );
    const code = dto.code;
    if (await this.units.codeTaken(era, dto.level, code)) throw this.duplicate(era, dto.level, code);
    const id = randomUUID();
    try {
      const unit = await this.units.transaction(async (manager) => {
        const created = await this.units.insert(
          {
            id,
            code,
            level: dto.level,
            era,
            name: dto.name.normalize('NFC'),
            type: dto.type?.normalize('NFC') ?? null,
            parentId: parent?.id ?? null,
            path: parent ? `${parent.path}/${id}` : id,
          },
          manager,
        );
        await this.audit.record(manager, principal, {
          action: 'unit.create',
          objectType: 'unit',
          objectId: id,
          unitPath: created.path,
          changes: diff(null, created, ['code', 'level', 'era', 'name', 'type', 'parentId']),
        });
        return created;
      });
      return UnitView.from(unit);
    } catch (err) {
      if (isUniqueViolation(err)) throw this.duplicate(era, dto.level, code);
      throw err;
    }
  }

  /** Checks where a new unit may hang: its era and its parent. */
  private async placement(dto: CreateUnitDto): Promise<{ era: UnitEra; parent: AdminUnit | null }> {
    if (dto.level === 'province') {
      this.requirePost2025(dto);
      if (dto.parentId !== undefined)
        throw fieldError('parentId', 'noParent', 'parentId must be absent: a province has no parent');
      return { era: 'post_2025', parent: null };
    }
    if (dto.level === 'commune') this.requirePost2025(dto);
    if (dto.parentId === undefined) {
      const what = dto.level === 'village' ? 'the commune it belongs to' : 'its post_2025 province';
      throw fieldError('parentId', 'required', `parentId is required: ${what}`);
    }
    const parent = await this.units.findById(dto.parentId);
    if (!parent) throw fieldError('parentId', 'exists', `parentId ${dto.parentId} is not a known unit`);
    if (dto.level === 'village') {
      if (parent.level !== 'commune')
        throw fieldError(
          'parentId',
          'parentLevel',
          `parentId must be a commune: a village hangs below a commune, and ${label(parent)} is not one`,
        );
      if (dto.era && dto.era !== parent.era)
        throw fieldError('era', 'parentEra', `era must be ${parent.era}, the era of the commune`);
      return { era: parent.era, parent };
    }
    if (parent.level !== 'province' || parent.era !== 'post_2025')
      throw fieldError(
        'parentId',
        'parentLevel',
        `parentId must be a post_2025 province (since 1 July 2025 communes hang directly below provinces), not ${label(parent)}`,
      );
    return { era: 'post_2025', parent };
  }

  private requirePost2025(dto: CreateUnitDto): void {
    if (dto.era !== 'post_2025')
      throw fieldError(
        'era',
        'post2025Only',
        `era must be post_2025 for a ${dto.level} created by hand; pre-2025 provinces, districts and communes come from the official list (POST /api/v1/units/import)`,
      );
  }

  /** A unit inside the caller's scope; 404 for any other, so ids outside it are not even confirmed. */
  private async require(principal: Principal, id: string): Promise<AdminUnit> {
    const unit = await this.units.findById(id);
    if (!unit || !pathInScope(principal.scope, unit.path))
      throw new NotFoundException(`unit ${id} not found`);
    return unit;
  }

  private duplicate(era: UnitEra, level: string, code: string): ConflictException {
    return new ConflictException(`a ${era} ${level} with code ${code} already exists`);
  }
}
