import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppUser } from '@loa-xa/persistence';
import type { Page } from '../common/pagination';
import { fieldError, isUniqueViolation } from '../registry/errors';
import { containsPattern, foldSql } from '../registry/text-search';
import { AuditService, diff } from '../audit/audit.service';
import { GrantPolicy } from './grant-policy.service';
import { hashPassword, passwordProblem } from './passwords';
import { PrincipalDirectory } from './principal-directory.service';
import { ScopeResolver } from './scope-resolver.service';
import { SessionsService } from './sessions.service';
import { whereGrantInScope, type Principal } from './scope';
import {
  UserView,
  type CreateUserDto,
  type ResetPasswordDto,
  type UpdateUserDto,
  type UserQuery,
} from './user.dto';

const AUDITED: (keyof AppUser)[] = [
  'username',
  'displayName',
  'phone',
  'email',
  'active',
  'role',
  'scopeUnitId',
];

/** People's accounts, managed inside the manager's own scope and never above their own role. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeResolver,
    private readonly grants: GrantPolicy,
    private readonly sessions: SessionsService,
    private readonly directory: PrincipalDirectory,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal, query: UserQuery): Promise<Page<UserView>> {
    const q = whereGrantInScope(
      this.dataSource.getRepository(AppUser).createQueryBuilder('u'),
      'u',
      principal.scope,
    );
    if (query.role) q.andWhere('u.role = :role', { role: query.role });
    if (query.active !== undefined) q.andWhere('u.active = :active', { active: query.active });
    if (query.q)
      q.andWhere(`(${foldSql('u.username')} LIKE :q OR ${foldSql('u.display_name')} LIKE :q)`, {
        q: containsPattern(query.q),
      });
    const [rows, total] = await q
      .orderBy('u.username', query.order === 'desc' ? 'DESC' : 'ASC')
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getManyAndCount();
    const items = await Promise.all(
      rows.map(async (u) => UserView.from(u, await this.scopes.of(u.scopeUnitId))),
    );
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  async get(principal: Principal, id: string): Promise<UserView> {
    const user = await this.requireVisible(principal, id);
    return UserView.from(user, await this.scopes.of(user.scopeUnitId));
  }

  async create(principal: Principal, dto: CreateUserDto): Promise<UserView> {
    const scope = await this.grants.check(principal, dto.role, dto.scopeUnitId);
    const problem = passwordProblem(dto.password, dto.username);
    if (problem) throw fieldError('password', 'strength', problem);
    const repo = this.dataSource.getRepository(AppUser);
    if (await repo.existsBy({ username: dto.username })) throw taken(dto.username);
    const passwordHash = await hashPassword(dto.password);
    try {
      const id = await this.dataSource.transaction(async (manager) => {
        const user = manager.getRepository(AppUser).create({
          username: dto.username,
          displayName: dto.displayName.normalize('NFC'),
          phone: dto.phone ?? null,
          email: dto.email ?? null,
          active: true,
          role: dto.role,
          scopeUnitId: scope?.unitId ?? null,
          passwordHash,
          passwordChangedAt: new Date(),
        });
        await manager.getRepository(AppUser).insert(user);
        await this.audit.record(manager, principal, {
          action: 'user.create',
          objectType: 'user',
          objectId: user.id,
          unitPath: scope?.paths[0] ?? null,
          changes: diff(null, user, AUDITED),
        });
        return user.id;
      });
      return this.get(principal, id);
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(dto.username);
      throw err;
    }
  }

  async update(principal: Principal, id: string, dto: UpdateUserDto): Promise<UserView> {
    const before = await this.requireManageable(principal, id);
    const after: AppUser = { ...before };
    if (dto.displayName !== undefined) after.displayName = dto.displayName.normalize('NFC');
    if (dto.phone !== undefined) after.phone = dto.phone;
    if (dto.email !== undefined) after.email = dto.email;
    if (dto.active !== undefined) after.active = dto.active;
    if (dto.role !== undefined) after.role = dto.role;
    if (dto.scopeUnitId !== undefined) after.scopeUnitId = dto.scopeUnitId;
    const self = principal.kind === 'user' && principal.id === id;
    if (
      self &&
      (after.active !== before.active ||
        after.role !== before.role ||
        after.scopeUnitId !== before.scopeUnitId)
    )
      throw new ConflictException('you cannot disable yourself or change your own role or scope');
    let scope = await this.scopes.of(before.scopeUnitId);
    if (dto.role !== undefined || dto.scopeUnitId !== undefined)
      scope = await this.grants.check(principal, after.role, after.scopeUnitId);
    const changes = diff(before, after, AUDITED);
    if (Object.keys(changes).length === 0) return UserView.from(before, scope);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(AppUser).update(
        { id },
        {
          displayName: after.displayName,
          phone: after.phone,
          email: after.email,
          active: after.active,
          role: after.role,
          scopeUnitId: after.scopeUnitId,
        },
      );
      await this.audit.record(manager, principal, {
        action: dto.active === false && before.active ? 'user.disable' : 'user.update',
        objectType: 'user',
        objectId: id,
        unitPath: scope?.paths[0] ?? null,
        changes,
      });
    });
    this.directory.forget(id);
    if (!after.active) await this.sessions.revokeAllOf(id);
    return this.get(principal, id);
  }

  async resetPassword(principal: Principal, id: string, dto: ResetPasswordDto): Promise<void> {
    const user = await this.requireManageable(principal, id);
    const problem = passwordProblem(dto.password, user.username);
    if (problem) throw fieldError('password', 'strength', problem);
    const passwordHash = await hashPassword(dto.password);
    const scope = await this.scopes.of(user.scopeUnitId);
    await this.dataSource.transaction(async (manager) => {
      await manager
        .getRepository(AppUser)
        .update({ id }, { passwordHash, passwordChangedAt: new Date(), failedLogins: 0, lockedUntil: null });
      await this.audit.record(manager, principal, {
        action: 'user.password_reset',
        objectType: 'user',
        objectId: id,
        unitPath: scope?.paths[0] ?? null,
        changes: { passwordHash: { before: '[secret]', after: '[secret]' } },
      });
    });
    await this.sessions.revokeAllOf(id);
  }

  /** A user the caller may see: inside their scope (404 otherwise, so ids of others are not confirmed). */
  private async requireVisible(principal: Principal, id: string): Promise<AppUser> {
    const q = this.dataSource.getRepository(AppUser).createQueryBuilder('u').where('u.id = :id', { id });
    const user = await whereGrantInScope(q, 'u', principal.scope).getOne();
    if (!user) throw new NotFoundException(`user ${id} not found`);
    return user;
  }

  private async requireManageable(principal: Principal, id: string): Promise<AppUser> {
    const user = await this.requireVisible(principal, id);
    if (!this.grants.canManage(principal, user.role, await this.scopes.of(user.scopeUnitId)))
      throw new ForbiddenException(`role ${principal.role} may not manage a ${user.role}`);
    return user;
  }
}

function taken(username: string): ConflictException {
  return new ConflictException(`the username ${username} is taken`);
}
