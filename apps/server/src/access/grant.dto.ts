import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { ROLES, type Role } from '@loa-xa/persistence';

/** The role and scope given to a new account or API key (checked by GrantPolicy). */
export class GrantDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'Province, district or commune; absent for admin' })
  @IsOptional()
  @IsUUID()
  scopeUnitId?: string;
}
