import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ClusterGroup, ClusterGroupMember } from '@loa-xa/persistence';
import { AuditService, diff } from '../audit/audit.service';
import { pathInScope, whereInScope, type Principal } from '../access/scope';
import { validationFailed } from '../common/validation';
import { OwnerUnits } from '../access/owner-units.service';
import { SchedulePlanner } from './schedule-planner.service';
import type { CreateGroupDto, GroupView, UpdateGroupDto } from './group.dto';
import { GroupView as View } from './group.dto';

/** Named sets of clusters. Changing members re-targets every schedule that names the group. */
@Injectable()
export class GroupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly owners: OwnerUnits,
    private readonly audit: AuditService,
    private readonly planner: SchedulePlanner,
  ) {}

  async list(principal: Principal): Promise<GroupView[]> {
    const query = this.dataSource.getRepository(ClusterGroup).createQueryBuilder('g').orderBy('g.name');
    const rows = await whereInScope(query, principal.scope, 'g.unit_path').getMany();
    const members = await this.members(rows.map((r) => r.id));
    return rows.map((r) => View.from(r, members.get(r.id) ?? []));
  }

  async get(principal: Principal, id: string): Promise<GroupView> {
    const row = await this.find(principal, id);
    return View.from(row, (await this.members([id])).get(id) ?? []);
  }

  async create(principal: Principal, dto: CreateGroupDto): Promise<GroupView> {
    const unit = await this.owners.resolve(principal, dto.unitId);
    await this.checkMembers(principal, unit.path, dto.clusterIds);
    const id = await this.dataSource.transaction(async (manager) => {
      if (await manager.getRepository(ClusterGroup).existsBy({ unitId: unit.id, name: dto.name }))
        throw new ConflictException(`a group named "${dto.name}" already exists in ${unit.name}`);
      const saved = await manager.getRepository(ClusterGroup).save({
        name: dto.name,
        description: dto.description ?? null,
        unitId: unit.id,
        unitPath: unit.path,
      });
      await this.replaceMembers(manager, saved.id, dto.clusterIds);
      await this.audit.record(manager, principal, {
        action: 'group.create',
        objectType: 'cluster_group',
        objectId: saved.id,
        unitPath: unit.path,
        detail: { name: dto.name, clusters: dto.clusterIds.length },
      });
      return saved.id;
    });
    return this.get(principal, id);
  }

  async update(principal: Principal, id: string, dto: UpdateGroupDto): Promise<GroupView> {
    const row = await this.find(principal, id);
    if (dto.clusterIds) await this.checkMembers(principal, row.unitPath, dto.clusterIds);
    await this.dataSource.transaction(async (manager) => {
      const before = { name: row.name, description: row.description };
      if (dto.name !== undefined) row.name = dto.name;
      if (dto.description !== undefined) row.description = dto.description;
      if (
        dto.name !== undefined &&
        dto.name !== before.name &&
        (await manager.getRepository(ClusterGroup).existsBy({ unitId: row.unitId, name: dto.name }))
      )
        throw new ConflictException(`a group named "${dto.name}" already exists`);
      await manager.getRepository(ClusterGroup).save(row);
      if (dto.clusterIds) await this.replaceMembers(manager, id, dto.clusterIds);
      await this.audit.record(manager, principal, {
        action: 'group.update',
        objectType: 'cluster_group',
        objectId: id,
        unitPath: row.unitPath,
        changes: diff(before, { name: row.name, description: row.description }, ['name', 'description']),
        detail: dto.clusterIds ? { clusters: dto.clusterIds.length } : undefined,
      });
    });
    if (dto.clusterIds) await this.planner.retargetWhere((s) => (s.target.groupIds ?? []).includes(id));
    return this.get(principal, id);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const row = await this.find(principal, id);
    const users: { title: string }[] = await this.dataSource.query(
      `SELECT title FROM schedule WHERE target -> 'groupIds' ? $1 LIMIT 5`,
      [id],
    );
    if (users.length > 0)
      throw new ConflictException(
        `group "${row.name}" is used by schedules: ${users.map((u) => u.title).join(', ')}`,
      );
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(ClusterGroup).delete({ id });
      await this.audit.record(manager, principal, {
        action: 'group.delete',
        objectType: 'cluster_group',
        objectId: id,
        unitPath: row.unitPath,
        detail: { name: row.name },
      });
    });
  }

  private async find(principal: Principal, id: string): Promise<ClusterGroup> {
    const query = this.dataSource
      .getRepository(ClusterGroup)
      .createQueryBuilder('g')
      .where('g.id = :id', { id });
    const row = await whereInScope(query, principal.scope, 'g.unit_path').getOne();
    if (!row) throw new NotFoundException(`cluster group ${id} not found`);
    return row;
  }

  private async members(groupIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (groupIds.length === 0) return out;
    const rows = await this.dataSource
      .getRepository(ClusterGroupMember)
      .createQueryBuilder('m')
      .where('m.group_id IN (:...groupIds)', { groupIds })
      .orderBy('m.cluster_id')
      .getMany();
    for (const row of rows) out.set(row.groupId, [...(out.get(row.groupId) ?? []), row.clusterId]);
    return out;
  }

  /** Members must be IP clusters inside the caller's scope (403) and below the group's unit (400). */
  private async checkMembers(principal: Principal, unitPath: string, clusterIds: string[]): Promise<void> {
    if (clusterIds.length === 0) return;
    const rows: { id: string; code: string; kind: string; path: string }[] = await this.dataSource.query(
      `SELECT c.id, c.code, c.kind, u.path FROM cluster c JOIN admin_unit u ON u.id = c.commune_id
        WHERE c.id = ANY($1::uuid[])`,
      [clusterIds],
    );
    const found = new Map(rows.map((r) => [r.id, r]));
    const problems: string[] = [];
    for (const id of clusterIds) {
      const row = found.get(id);
      if (!row) problems.push(`${id} is not a known cluster`);
      else if (!pathInScope(principal.scope, row.path))
        throw new ForbiddenException(`cluster ${id} is outside your scope`);
      else if (row.kind !== 'ip') problems.push(`cluster ${row.code} is not an IP cluster`);
      else if (row.path !== unitPath && !row.path.startsWith(`${unitPath}/`))
        problems.push(`cluster ${row.code} is not below the group's unit`);
    }
    if (problems.length > 0)
      throw validationFailed([
        { field: 'clusterIds', rule: 'member', message: `clusterIds: ${problems.slice(0, 5).join('; ')}` },
      ]);
  }

  private async replaceMembers(manager: EntityManager, groupId: string, clusterIds: string[]): Promise<void> {
    await manager.getRepository(ClusterGroupMember).delete({ groupId });
    for (let i = 0; i < clusterIds.length; i += 1000) {
      await manager
        .getRepository(ClusterGroupMember)
        .insert(clusterIds.slice(i, i + 1000).map((clusterId) => ({ groupId, clusterId })));
    }
  }
}
