import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, Length, MinDate } from 'class-validator';
import { ROLES, type ApiKey, type Role } from '@loa-xa/persistence';
import { ScopeView } from './auth.dto';
import { GrantDto } from './grant.dto';
import type { Scope } from './scope';

export class CreateApiKeyDto extends GrantDto {
  @ApiProperty({ example: 'Hệ thống thông tin nguồn tỉnh' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ description: 'When the key stops working (ISO 8601); default: never' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  @MinDate(() => new Date(), { message: 'expiresAt must be in the future' })
  expiresAt?: Date;
}

export class ApiKeyView {
  @ApiProperty({ description: 'Key id (the part after lxk_)' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: ScopeView, nullable: true }) scope!: ScopeView | null;
  @ApiProperty({ nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) expiresAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) lastUsedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) lastUsedIp!: string | null;
  @ApiProperty({ nullable: true, type: Date }) revokedAt!: Date | null;

  static from(key: ApiKey, scope: Scope | null): ApiKeyView {
    return {
      id: key.id,
      name: key.name,
      role: key.role,
      scope: ScopeView.of(scope),
      createdBy: key.createdBy,
      createdAt: key.createdAt,
      expiresAt: key.expiresAt,
      lastUsedAt: key.lastUsedAt,
      lastUsedIp: key.lastUsedIp,
      revokedAt: key.revokedAt,
    };
  }
}

export class CreatedApiKeyView {
  @ApiProperty({ type: ApiKeyView }) apiKey!: ApiKeyView;

  @ApiProperty({
    description: 'The key, shown only now: send it as `Authorization: Bearer lxk_…` or `X-API-Key: lxk_…`',
  })
  key!: string;
}
