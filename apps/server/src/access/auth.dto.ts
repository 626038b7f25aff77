import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { ROLES, type Role } from '@loa-xa/persistence';
import type { Scope } from './scope';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @Length(1, 200)
  password!: string;

  @ApiPropertyOptional({
    description:
      'true: open a console session in an HTTP-only cookie instead of returning tokens (for browsers)',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  cookie?: boolean;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh' })
  @IsString()
  @MaxLength(200)
  refreshToken!: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ description: 'Refresh token of the session to end (else the current session)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refreshToken?: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  currentPassword!: string;

  @ApiProperty({ description: 'At least 10 characters, not containing the username' })
  @IsString()
  @Length(1, 200)
  newPassword!: string;
}

export class ScopeView {
  @ApiProperty({ format: 'uuid' })
  unitId!: string;

  @ApiProperty({ enum: ['province', 'district', 'commune', 'village'] })
  level!: string;

  @ApiProperty()
  name!: string;

  static of(scope: Scope | null): ScopeView | null {
    return scope ? { unitId: scope.unitId, level: scope.level, name: scope.name } : null;
  }
}

export class MeView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['user', 'api_key'] })
  kind!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiPropertyOptional({ type: ScopeView, nullable: true, description: 'null: the whole server' })
  scope!: ScopeView | null;

  @ApiProperty({ type: [String], description: 'What this caller may do' })
  permissions!: string[];
}

export class SessionView {
  @ApiProperty()
  signedIn!: boolean;

  @ApiPropertyOptional({ type: MeView, nullable: true })
  me!: MeView | null;
}

export class TokensView {
  @ApiProperty({ description: 'JWT to send as `Authorization: Bearer …`' })
  accessToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires' })
  expiresIn!: number;

  @ApiProperty({ description: 'Exchange at POST /api/v1/auth/refresh for new tokens; single use' })
  refreshToken!: string;

  @ApiProperty({ type: MeView })
  user!: MeView;
}

export class CookieSessionView {
  @ApiProperty({ type: MeView })
  user!: MeView;

  @ApiProperty({ description: 'When the session ends if unused' })
  expiresAt!: Date;
}
