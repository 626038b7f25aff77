import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Program, ProgramItem } from '@loa-xa/persistence';
import { AuditService, diff } from '../audit/audit.service';
import { whereInScope, type Principal } from '../access/scope';
import { validationFailed } from '../common/validation';
import { MediaService } from '../media/media.service';
import { OwnerUnits } from '../access/owner-units.service';
import { References } from './references.service';
import { SchedulePlanner } from './schedule-planner.service';
import type { CreateProgramDto, ProgramItemView, ProgramView, UpdateProgramDto } from './program.dto';

/** Programs: ordered lists of assets. Changing one re-plans every schedule that plays it. */
@Injectable()
export class ProgramsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly owners: OwnerUnits,
    private readonly media: MediaService,
    private readonly audit: AuditService,
    private readonly planner: SchedulePlanner,
    private readonly references: References,
  ) {}

  async list(principal: Principal): Promise<ProgramView[]> {
    const query = this.dataSource.getRepository(Program).createQueryBuilder('p').orderBy('p.name');
    const rows = await whereInScope(query, principal.scope, 'p.unit_path').getMany();
    return Promise.all(rows.map((row) => this.view(row)));
  }

  async get(principal: Principal, id: string): Promise<ProgramView> {
    return this.view(await this.find(principal, id));
  }

  async create(principal: Principal, dto: CreateProgramDto): Promise<ProgramView> {
    const unit = await this.owners.resolve(principal, dto.unitId);
    await this.checkAssets(principal, dto.assetIds);
    const row = await this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Program).save({
        name: dto.name,
        description: dto.description ?? null,
        unitId: unit.id,
        unitPath: unit.path,
      });
      await this.replaceItems(manager, saved.id, dto.assetIds);
      await this.audit.record(manager, principal, {
        action: 'program.create',
        objectType: 'program',
        objectId: saved.id,
        unitPath: unit.path,
        detail: { name: dto.name, assetIds: dto.assetIds },
      });
      return saved;
    });
    return this.view(row);
  }

  async update(principal: Principal, id: string, dto: UpdateProgramDto): Promise<ProgramView> {
    const row = await this.find(principal, id);
    if (dto.assetIds) await this.checkAssets(principal, dto.assetIds);
    const before = { name: row.name, description: row.description, assetIds: await this.assetIds(id) };
    await this.dataSource.transaction(async (manager) => {
      if (dto.name !== undefined) row.name = dto.name;
      if (dto.description !== undefined) row.description = dto.description;
      await manager.getRepository(Program).save(row);
      if (dto.assetIds) await this.replaceItems(manager, id, dto.assetIds);
      await this.audit.record(manager, principal, {
        action: 'program.update',
        objectType: 'program',
        objectId: id,
        unitPath: row.unitPath,
        changes: diff(
          before,
          { name: row.name, description: row.description, assetIds: dto.assetIds ?? before.assetIds },
          ['name', 'description', 'assetIds'],
        ),
      });
    });
    if (dto.assetIds) await this.planner.programChanged(id);
    return this.view(row);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const row = await this.find(principal, id);
    const users: { title: string }[] = await this.dataSource.query(
      `SELECT title FROM schedule WHERE program_id = $1 LIMIT 5`,
      [id],
    );
    if (users.length > 0)
      throw new ConflictException(
        `program "${row.name}" is used by schedules: ${users.map((u) => u.title).join(', ')}`,
      );
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Program).delete({ id });
      await this.audit.record(manager, principal, {
        action: 'program.delete',
        objectType: 'program',
        objectId: id,
        unitPath: row.unitPath,
        detail: { name: row.name },
      });
    });
  }

  /** The program if it lies in the caller's scope. */
  async find(principal: Principal, id: string): Promise<Program> {
    const query = this.dataSource.getRepository(Program).createQueryBuilder('p').where('p.id = :id', { id });
    const row = await whereInScope(query, principal.scope, 'p.unit_path').getOne();
    if (!row) throw new NotFoundException(`program ${id} not found`);
    return row;
  }

  async assetIds(programId: string): Promise<string[]> {
    const items = await this.dataSource
      .getRepository(ProgramItem)
      .find({ where: { programId }, order: { position: 'ASC' } });
    return items.map((i) => i.assetId);
  }

  /** Assets must be visible to the caller (404 otherwise, from the media library) and not failed. */
  private async checkAssets(principal: Principal, assetIds: string[]): Promise<void> {
    const assets = await this.references.assets(principal, [...new Set(assetIds)], 'assetIds');
    const failed = [...assets.values()].filter((a) => a.status === 'failed');
    if (failed.length > 0)
      throw validationFailed([
        {
          field: 'assetIds',
          rule: 'usable',
          message: `assetIds: ${failed.map((a) => `"${a.title}"`).join(', ')} failed processing and cannot be played`,
        },
      ]);
  }

  private async replaceItems(manager: EntityManager, programId: string, assetIds: string[]): Promise<void> {
    await manager.getRepository(ProgramItem).delete({ programId });
    await manager
      .getRepository(ProgramItem)
      .insert(assetIds.map((assetId, position) => ({ programId, position, assetId })));
  }

  private async view(row: Program): Promise<ProgramView> {
    const ids = await this.assetIds(row.id);
    const assets = await this.media.describe([...new Set(ids)]);
    const items: ProgramItemView[] = ids.map((assetId, position) => {
      const asset = assets.get(assetId);
      return {
        position,
        assetId,
        title: asset?.title ?? '(deleted)',
        status: asset?.status ?? 'failed',
        durationMs: asset?.durationMs ?? null,
      };
    });
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      unitId: row.unitId,
      items,
      durationMs: items.reduce((sum, i) => sum + (i.durationMs ?? 0), 0),
      ready: items.every((i) => i.status === 'ready'),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
