import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import type { ClusterGroup } from '@loa-xa/persistence';
import { MaxChars } from '../common/text';
import { OptionalNotNull } from '../common/validation';
import { trimmed } from '../registry/validators';

export class CreateGroupDto {
  @ApiProperty({ example: 'Loa khu chợ', maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  @MaxChars(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @ValidateIf((o: CreateGroupDto) => o.description !== null && o.description !== undefined)
  @IsString()
  @Length(0, 2000)
  @MaxChars(2000)
  description?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Owner unit; default: your scope unit' })
  @OptionalNotNull()
  @IsUUID()
  unitId?: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'IP clusters of the group (below its unit)' })
  @IsArray()
  @ArrayMaxSize(10000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  clusterIds!: string[];
}

export class UpdateGroupDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @OptionalNotNull()
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  @MaxChars(200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @ValidateIf((o: UpdateGroupDto) => o.description !== null && o.description !== undefined)
  @IsString()
  @Length(0, 2000)
  @MaxChars(2000)
  description?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Replaces the members' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  clusterIds?: string[];
}

export class GroupView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ type: [String], format: 'uuid' }) clusterIds!: string[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(row: ClusterGroup, clusterIds: string[]): GroupView {
    return Object.assign(new GroupView(), {
      id: row.id,
      name: row.name,
      description: row.description,
      unitId: row.unitId,
      clusterIds,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    });
  }
}
