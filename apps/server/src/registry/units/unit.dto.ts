import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { UNIT_ERAS, UNIT_LEVELS, type AdminUnit, type UnitEra, type UnitLevel } from '@loa-xa/persistence';
import { PageQuery } from '../../common/pagination';
import { MaxChars } from '../../common/text';
import { searchText, trimmed } from '../validators';

export const UNIT_SORTS = ['code', 'name', 'createdAt'] as const;
export type UnitSort = (typeof UNIT_SORTS)[number];

/** Paging of a unit's children (they share its era). */
export class UnitChildrenQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Name contains this text (case and accent insensitive)',
    maxLength: 100,
  })
  @IsOptional()
  @Transform(searchText)
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ enum: UNIT_SORTS, default: 'code' })
  @IsOptional()
  @IsIn(UNIT_SORTS)
  sort: UnitSort = 'code';
}

export class UnitQuery extends UnitChildrenQuery {
  @ApiPropertyOptional({ enum: UNIT_LEVELS })
  @IsOptional()
  @IsIn(UNIT_LEVELS)
  level?: UnitLevel;

  @ApiPropertyOptional({
    enum: UNIT_ERAS,
    description: 'Which tree: `pre_2025` (default) or `post_2025`. Ignored when `parentId` is given',
  })
  @IsOptional()
  @IsIn(UNIT_ERAS)
  era?: UnitEra;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the direct children of this unit' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ description: 'Exact official code (GSO code, or the local code of a village)' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  code?: string;
}

export class ImportProvinceDto {
  @ApiProperty({
    description: 'Two-digit GSO code of the province (pre-2025 list of 01/03/2025), e.g. 20 = Lạng Sơn',
    example: '20',
    pattern: '^[0-9]{2}$',
  })
  @IsString()
  @Matches(/^[0-9]{2}$/, { message: 'provinceCode must be a two-digit GSO code such as "20"' })
  provinceCode!: string;
}

/** Units created by hand: villages, and the post-2025 tree (province → commune). */
export const CREATABLE_LEVELS = ['province', 'commune', 'village'] as const;

export class CreateUnitDto {
  @ApiProperty({
    enum: CREATABLE_LEVELS,
    description:
      '`village` under a commune of either era; `province` (no parent) or `commune` (under a post-2025 province) of the post-2025 tree',
  })
  @IsIn(CREATABLE_LEVELS)
  level!: (typeof CREATABLE_LEVELS)[number];

  @ApiPropertyOptional({
    enum: UNIT_ERAS,
    description: 'Required for provinces and communes (only `post_2025`); a village takes its commune’s era',
  })
  @IsOptional()
  @IsIn(UNIT_ERAS)
  era?: UnitEra;

  @ApiProperty({
    description: 'Official code, or a local code for a village; unique per era and level',
    example: '05971-01',
    pattern: '^[0-9A-Za-z][0-9A-Za-z._-]{0,15}$',
  })
  @IsString()
  @Matches(/^[0-9A-Za-z][0-9A-Za-z._-]{0,15}$/, {
    message: 'code must be 1–16 letters, digits, dots, dashes or underscores',
  })
  code!: string;

  @ApiProperty({ example: 'Thôn Nà Chuông', maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  @MaxChars(200)
  name!: string;

  @ApiPropertyOptional({
    example: 'Thôn',
    description: 'Type word: Thôn, Bản, Tổ dân phố, Xã, Phường, Tỉnh…',
  })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 64)
  @MaxChars(64)
  type?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Parent unit (a commune for a village)' })
  @ValidateIf((o: CreateUnitDto) => o.parentId !== undefined)
  @IsUUID()
  parentId?: string;
}

export class UnitRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty({ enum: UNIT_LEVELS }) level!: UnitLevel;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) type!: string | null;

  static from(unit: AdminUnit): UnitRef {
    return { id: unit.id, code: unit.code, level: unit.level, name: unit.name, type: unit.type };
  }
}

export class UnitView extends UnitRef {
  @ApiProperty({ enum: UNIT_ERAS }) era!: UnitEra;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) parentId!: string | null;
  @ApiProperty({ description: 'Ids from the root down to this unit, joined by "/"' }) path!: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'Unit that took this one over in a merge',
  })
  successorId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) validTo!: string | null;
  @ApiProperty() createdAt!: Date;

  static override from(unit: AdminUnit): UnitView {
    return {
      ...UnitRef.from(unit),
      era: unit.era,
      parentId: unit.parentId,
      path: unit.path,
      successorId: unit.successorId,
      validTo: unit.validTo,
      createdAt: unit.createdAt,
    };
  }
}

export class UnitDetailView extends UnitView {
  @ApiProperty({ type: [UnitRef], description: 'Ancestors from the root (province) down to the parent' })
  ancestors!: UnitRef[];

  @ApiProperty({ description: 'Number of direct children' })
  childCount!: number;
}

export class UnitPage {
  @ApiProperty({ type: [UnitView] }) items!: UnitView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class ProvinceImportResult {
  @ApiProperty({ type: UnitRef }) province!: UnitRef;
  @ApiProperty({ description: 'Units inserted' }) created!: number;
  @ApiProperty({ description: 'Units whose name, type or place in the tree changed' }) updated!: number;
  @ApiProperty({ description: 'Units already up to date' }) unchanged!: number;
  @ApiProperty() districts!: number;
  @ApiProperty() communes!: number;
}
