import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKey } from '@loa-xa/persistence';
import { AuditService, diff } from '../audit/audit.service';
import { API_KEY_PREFIX } from './authenticator.service';
import { GrantPolicy } from './grant-policy.service';
import { PrincipalDirectory } from './principal-directory.service';
import { ScopeResolver } from './scope-resolver.service';
import { whereGrantInScope, type Principal } from './scope';
import { ApiKeyView, type CreateApiKeyDto, type CreatedApiKeyView } from './api-key.dto';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Keys for machine clients, scoped like people; stored as SHA-256, shown once. */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly grants: GrantPolicy,
    private readonly scopes: ScopeResolver,
    private readonly directory: PrincipalDirectory,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal): Promise<ApiKeyView[]> {
    const q = whereGrantInScope(
      this.dataSource.getRepository(ApiKey).createQueryBuilder('k'),
      'k',
      principal.scope,
    );
    const keys = await q.orderBy('k.created_at', 'DESC').getMany();
    return Promise.all(keys.map(async (k) => ApiKeyView.from(k, await this.scopes.of(k.scopeUnitId))));
  }

  async create(principal: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    const scope = await this.grants.check(principal, dto.role, dto.scopeUnitId);
    const id = Array.from(randomBytes(12), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
    const secret = randomBytes(32).toString('base64url');
    const key = await this.dataSource.transaction(async (manager) => {
      const row = manager.getRepository(ApiKey).create({
        id,
        name: dto.name.normalize('NFC'),
        role: dto.role,
        scopeUnitId: scope?.unitId ?? null,
        secretSha256: createHash('sha256').update(secret).digest('hex'),
        createdBy: principal.kind === 'user' ? principal.id : null,
        expiresAt: dto.expiresAt ?? null,
        lastUsedAt: null,
        lastUsedIp: null,
        revokedAt: null,
      });
      await manager.getRepository(ApiKey).insert(row);
      await this.audit.record(manager, principal, {
        action: 'api_key.create',
        objectType: 'api_key',
        objectId: id,
        unitPath: scope?.paths[0] ?? null,
        changes: diff(null, row, ['name', 'role', 'scopeUnitId', 'expiresAt']),
      });
      return manager.getRepository(ApiKey).findOneByOrFail({ id });
    });
    return { apiKey: ApiKeyView.from(key, scope), key: `${API_KEY_PREFIX}${id}_${secret}` };
  }

  async revoke(principal: Principal, id: string): Promise<ApiKeyView> {
    const q = this.dataSource.getRepository(ApiKey).createQueryBuilder('k').where('k.id = :id', { id });
    const key = await whereGrantInScope(q, 'k', principal.scope).getOne();
    if (!key) throw new NotFoundException(`API key ${id} not found`);
    const scope = await this.scopes.of(key.scopeUnitId);
    if (!this.grants.canManage(principal, key.role, scope))
      throw new ForbiddenException(`role ${principal.role} may not revoke a ${key.role} key`);
    if (key.revokedAt) throw new ConflictException(`API key ${id} is already revoked`);
    const revokedAt = new Date();
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(ApiKey).update({ id }, { revokedAt });
      await this.audit.record(manager, principal, {
        action: 'api_key.revoke',
        objectType: 'api_key',
        objectId: id,
        unitPath: scope?.paths[0] ?? null,
        changes: { revokedAt: { before: null, after: revokedAt.toISOString() } },
      });
    });
    this.directory.forget(id);
    return ApiKeyView.from({ ...key, revokedAt }, scope);
  }
}
