import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import type { Station } from '@loa-xa/persistence';
import { PageQuery } from '../../common/pagination';
import { MaxChars } from '../../common/text';
import { UnitRef } from '../units/unit.dto';
import { IsDateOnly, queryBoolean, searchText, trimmed } from '../validators';

const PHONE = /^\+?[0-9 ().-]{6,32}$/;
const PHONE_MESSAGE =
  'phone must be a phone number: digits, spaces, dots, dashes, brackets, an optional leading +';

export class CreateStationDto {
  @ApiProperty({ format: 'uuid', description: 'The commune (either era); one station per commune' })
  @IsUUID()
  communeId!: string;

  @ApiProperty({ example: 'Đài truyền thanh xã Hoàng Đồng', maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  @MaxChars(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 300)
  @MaxChars(300)
  address?: string;

  @ApiPropertyOptional({ example: '0205 3871 234', maxLength: 32 })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Matches(PHONE, { message: PHONE_MESSAGE })
  @MaxLength(32)
  phone?: string;

  @ApiPropertyOptional({
    default: true,
    description: 'IT-telecom station per TT 39/2020 (false: a wired/FM-only station)',
  })
  @IsOptional()
  @IsBoolean()
  isIp?: boolean;

  @ApiPropertyOptional({ format: 'date', example: '2023-06-01' })
  @IsOptional()
  @IsDateOnly()
  establishedOn?: string;
}

/** Changes to a station; `null` clears an optional field. The commune is fixed. */
export class UpdateStationDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf((_o: object, value: unknown) => value !== undefined)
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  @MaxChars(200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 300, nullable: true, type: String })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 300)
  @MaxChars(300)
  address?: string | null;

  @ApiPropertyOptional({ maxLength: 32, nullable: true, type: String })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Matches(PHONE, { message: PHONE_MESSAGE })
  @MaxLength(32)
  phone?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((_o: object, value: unknown) => value !== undefined)
  @IsBoolean()
  isIp?: boolean;

  @ApiPropertyOptional({ format: 'date', nullable: true, type: String })
  @IsOptional()
  @IsDateOnly()
  establishedOn?: string | null;
}

export const STATION_SORTS = ['name', 'createdAt', 'establishedOn'] as const;
export type StationSort = (typeof STATION_SORTS)[number];

export class StationQuery extends PageQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Stations under this unit: a province, district or commune (either era)',
  })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  isIp?: boolean;

  @ApiPropertyOptional({ description: 'Name contains this text (case and accent insensitive)' })
  @IsOptional()
  @Transform(searchText)
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ enum: STATION_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(STATION_SORTS)
  sort: StationSort = 'name';
}

export class StationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) communeId!: string;
  @ApiPropertyOptional({ nullable: true, type: UnitRef }) commune!: UnitRef | null;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) address!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty() isIp!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) establishedOn!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

  static from(row: Station): StationView {
    return {
      id: row.id,
      communeId: row.communeId,
      commune: row.commune ? UnitRef.from(row.commune) : null,
      name: row.name,
      address: row.address,
      phone: row.phone,
      isIp: row.isIp,
      establishedOn: row.establishedOn,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export class StationPage {
  @ApiProperty({ type: [StationView] }) items!: StationView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
