import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppUser } from '@loa-xa/persistence';
import { APP_CONFIG } from '../config/config.module';
import { ConfigError, type AppConfig } from '../config/app-config';
import { AuditService, SYSTEM, diff } from '../audit/audit.service';
import { hashPassword, passwordProblem } from './passwords';

export const ADMIN_PASSWORD_FILE = 'admin-password.txt';

/**
 * On the first start (no account at all) creates the administrator from ADMIN_USERNAME / ADMIN_PASSWORD.
 * Embedded mode without ADMIN_PASSWORD generates one, logs it once and writes it to DATA_DIR; there is
 * never a built-in default password.
 */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.dataSource.getRepository(AppUser).exists()) return;
    const username = this.config.adminUsername.trim().toLowerCase();
    let password = this.config.adminPassword;
    const generated = password === undefined;
    if (password === undefined) {
      if (!this.config.embedded)
        throw new ConfigError('ADMIN_PASSWORD is required on the first start with DATABASE_URL or MQTT_URL');
      password = randomBytes(15).toString('base64url');
    }
    const problem = passwordProblem(password, username);
    if (problem) throw new ConfigError(`ADMIN_PASSWORD: ${problem}`);
    const passwordHash = await hashPassword(password);
    const created = await this.dataSource.transaction(async (manager) => {
      // Two replicas starting at once: the advisory lock lets one create the account.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('loa-xa:first-admin'))`);
      if (await manager.getRepository(AppUser).exists()) return false;
      const user = manager.getRepository(AppUser).create({
        username,
        displayName: 'Quản trị hệ thống',
        phone: null,
        email: null,
        active: true,
        role: 'admin',
        scopeUnitId: null,
        passwordHash,
        passwordChangedAt: new Date(),
      });
      await manager.getRepository(AppUser).insert(user);
      await this.audit.record(manager, SYSTEM, {
        action: 'user.create',
        objectType: 'user',
        objectId: user.id,
        unitPath: null,
        changes: diff(null, user, ['username', 'role']),
        detail: { reason: 'first start', passwordGenerated: generated },
      });
      return true;
    });
    if (!created) return;
    if (!generated) {
      this.logger.log(`administrator "${username}" created from ADMIN_USERNAME / ADMIN_PASSWORD`);
      return;
    }
    let where = '';
    if (this.config.dataDir !== ':memory:') {
      const file = join(this.config.dataDir, ADMIN_PASSWORD_FILE);
      writeFileSync(file, `${username}\n${password}\n`, { mode: 0o600 });
      where = ` and written to ${file}`;
    }
    // The one place a secret is logged, on purpose: it is how the first person gets in. Shown once.
    this.logger.warn(
      `administrator "${username}" created with the generated password ${password} (shown only now${where}); change it after logging in`,
    );
  }
}
