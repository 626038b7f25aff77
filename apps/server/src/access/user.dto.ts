import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { ROLES, type AppUser, type Role } from '@loa-xa/persistence';
import { PageQuery } from '../common/pagination';
import { ScopeView } from './auth.dto';
import { GrantDto } from './grant.dto';
import type { Scope } from './scope';

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const PHONE = /^\+?[0-9 .-]{6,20}$/;
const toLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class CreateUserDto extends GrantDto {
  @ApiProperty({ example: 'nguyenvana', description: 'Lower-case letters, digits, dot, dash, underscore' })
  @Transform(toLower)
  @IsString()
  @Matches(USERNAME, {
    message: 'username must be 2-64 lower-case letters, digits, dots, dashes or underscores',
  })
  username!: string;

  @ApiProperty({ example: 'Nguyễn Văn A' })
  @IsString()
  @Length(1, 200)
  displayName!: string;

  @ApiPropertyOptional({ example: '0912 345 678' })
  @IsOptional()
  @IsString()
  @Matches(PHONE, { message: 'phone must be a phone number' })
  phone?: string;

  @ApiPropertyOptional({ example: 'vana@langson.gov.vn' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiProperty({ description: 'Initial password, at least 10 characters' })
  @IsString()
  @Length(1, 200)
  password!: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  displayName?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @Matches(PHONE, { message: 'phone must be a phone number' })
  phone?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ description: 'false disables the account and ends its sessions' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsUUID()
  scopeUnitId?: string | null;
}

export class ResetPasswordDto {
  @ApiProperty({ description: 'New password; the account is unlocked and its sessions end' })
  @IsString()
  @Length(1, 200)
  password!: string;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the username or display name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: ScopeView, nullable: true }) scope!: ScopeView | null;
  @ApiProperty({ nullable: true, type: Date }) lockedUntil!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) lastLoginAt!: Date | null;
  @ApiProperty() passwordChangedAt!: Date;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

  static from(user: AppUser, scope: Scope | null): UserView {
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      phone: user.phone,
      email: user.email,
      active: user.active,
      role: user.role,
      scope: ScopeView.of(scope),
      lockedUntil: user.lockedUntil && user.lockedUntil.getTime() > Date.now() ? user.lockedUntil : null,
      lastLoginAt: user.lastLoginAt,
      passwordChangedAt: user.passwordChangedAt,
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
    };
  }
}

export class UserPage {
  @ApiProperty({ type: [UserView] }) @Type(() => UserView) items!: UserView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
