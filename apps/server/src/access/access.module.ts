import { Global, Module } from '@nestjs/common';
import { OwnerUnits } from './owner-units.service';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { AuditModule } from '../audit/audit.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { ApiKeysUsage } from './api-keys-usage.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { Authenticator } from './authenticator.service';
import { resolveAuthSecret } from './auth-secret';
import { FirstAdminService } from './first-admin.service';
import { GrantPolicy } from './grant-policy.service';
import { PrincipalDirectory } from './principal-directory.service';
import { ScopeResolver } from './scope-resolver.service';
import { SessionsService } from './sessions.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/**
 * Who may do what: accounts, sessions, API keys, and the global guard every HTTP route passes.
 * Global so that feature modules can inject ScopeResolver without importing it everywhere.
 */
@Global()
@Module({
  imports: [
    AuditModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: resolveAuthSecret(config),
        signOptions: { algorithm: 'HS256', issuer: 'loa-xa' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'loa-xa' },
      }),
    }),
  ],
  controllers: [AuthController, UsersController, ApiKeysController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    Authenticator,
    AuthService,
    SessionsService,
    PrincipalDirectory,
    ScopeResolver,
    OwnerUnits,
    GrantPolicy,
    UsersService,
    ApiKeysService,
    ApiKeysUsage,
    FirstAdminService,
  ],
  exports: [ScopeResolver, OwnerUnits],
})
export class AccessModule {}
