import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Min,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import {
  CLUSTER_KINDS,
  CLUSTER_LIFECYCLES,
  FUNDING_PROGRAMMES,
  WORK_ORDER_KINDS,
  WORK_ORDER_STATUSES,
  type ClusterKind,
  type ClusterLifecycle,
  type FundingProgramme,
  type WorkOrderKind,
  type WorkOrderStatus,
} from '@loa-xa/persistence';
import { PageQuery } from '../common/pagination';
import { OptionalNotNull } from '../common/validation';
import { MaxChars } from '../common/text';
import { UnitRef } from '../registry/units/unit.dto';
import { IsDateOnly, commaList, searchText, trimmed } from '../registry/validators';

/** Largest amount accepted: 18 digits fit a PostgreSQL bigint with room to spare. */
const VND_DIGITS = 18;

/**
 * An amount of đồng: a whole number ≥ 0, given as a JSON number (up to 2^53) or a string of digits (up to
 * 18). Normalised to the digit string the bigint column returns; anything else is left for IsVnd to refuse.
 */
const vndAmount = ({ value }: { value: unknown }): unknown => {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && new RegExp(`^[0-9]{1,${VND_DIGITS}}$`).test(value.trim()))
    return BigInt(value.trim()).toString();
  return value;
};

function IsVnd(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isVnd',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must be a whole number of đồng ≥ 0 (a number, or a string of at most ${VND_DIGITS} digits)`,
      },
      validator: {
        // At most VND_DIGITS digits: a longer string (kept as is by vndAmount) would overflow the bigint column.
        validate: (value: unknown) =>
          typeof value === 'string' && new RegExp(`^[0-9]{1,${VND_DIGITS}}$`).test(value),
      },
    });
}

const VndRules = () => applyDecorators(Transform(vndAmount), IsVnd());
const TitleRules = () => applyDecorators(Transform(trimmed), IsString(), Length(1, 200), MaxChars(200));
const NotesRules = () => applyDecorators(Transform(trimmed), IsString(), Length(1, 2000), MaxChars(2000));

const API = {
  kind: {
    enum: WORK_ORDER_KINDS,
    description:
      'new_station: a station for a commune without one; replacement: a broken FM cluster replaced by an IP cluster; expansion: an IP cluster for a village without coverage',
  },
  title: { maxLength: 200, example: 'Thay thế cụm loa FM thôn Nà Chuông' },
  fundingProgramme: {
    enum: FUNDING_PROGRAMMES,
    description:
      'ntp_poverty_reduction: CTMTQG Giảm nghèo bền vững; ntp_new_rural: CTMTQG Nông thôn mới; ntp_ethnic_minority: CTMTQG vùng đồng bào DTTS và miền núi; local_budget: ngân sách địa phương; other',
  },
  date: { type: String, format: 'date', example: '2026-03-01' },
  vnd: {
    type: String,
    pattern: '^[0-9]{1,18}$',
    example: '45000000',
    description: 'VND (đồng), a whole number; a JSON number is accepted too',
  },
  notes: { maxLength: 2000 },
} as const;

export class CreateWorkOrderDto {
  @ApiProperty(API.kind)
  @IsIn(WORK_ORDER_KINDS)
  kind!: WorkOrderKind;

  @ApiProperty(API.title)
  @TitleRules()
  title!: string;

  @ApiProperty({ format: 'uuid', description: 'The commune (either era) where the work is done' })
  @IsUUID()
  communeId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The village served; required for expansion' })
  @IsOptional()
  @IsUUID()
  villageId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Replacement only, and required there: a broken (faulty) FM cluster of the commune',
  })
  @IsOptional()
  @IsUUID()
  fmClusterId?: string;

  @ApiProperty(API.fundingProgramme)
  @IsIn(FUNDING_PROGRAMMES)
  fundingProgramme!: FundingProgramme;

  @ApiPropertyOptional(API.date)
  @IsOptional()
  @IsDateOnly()
  plannedStart?: string;

  @ApiPropertyOptional({ ...API.date, description: 'On or after plannedStart' })
  @IsOptional()
  @IsDateOnly()
  plannedEnd?: string;

  @ApiPropertyOptional(API.vnd)
  @IsOptional()
  @VndRules()
  plannedCostVnd?: string;

  @ApiPropertyOptional(API.notes)
  @IsOptional()
  @NotesRules()
  notes?: string;
}

/** Changes to an order that is not closed or cancelled; `null` clears an optional field. */
export class UpdateWorkOrderDto {
  @ApiPropertyOptional(API.title)
  @OptionalNotNull()
  @TitleRules()
  title?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Before commissioning only; expansion keeps one',
  })
  @IsOptional()
  @IsUUID()
  villageId?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Replacement, before commissioning only: another broken FM cluster of the commune',
  })
  @OptionalNotNull()
  @IsUUID()
  fmClusterId?: string;

  @ApiPropertyOptional(API.fundingProgramme)
  @OptionalNotNull()
  @IsIn(FUNDING_PROGRAMMES)
  fundingProgramme?: FundingProgramme;

  @ApiPropertyOptional({ ...API.date, nullable: true })
  @IsOptional()
  @IsDateOnly()
  plannedStart?: string | null;

  @ApiPropertyOptional({ ...API.date, nullable: true })
  @IsOptional()
  @IsDateOnly()
  plannedEnd?: string | null;

  @ApiPropertyOptional({ ...API.date, nullable: true })
  @IsOptional()
  @IsDateOnly()
  actualStart?: string | null;

  @ApiPropertyOptional({ ...API.date, nullable: true })
  @IsOptional()
  @IsDateOnly()
  actualEnd?: string | null;

  @ApiPropertyOptional({ ...API.vnd, nullable: true })
  @IsOptional()
  @VndRules()
  plannedCostVnd?: string | null;

  @ApiPropertyOptional({ ...API.vnd, nullable: true })
  @IsOptional()
  @VndRules()
  actualCostVnd?: string | null;

  @ApiPropertyOptional({ ...API.notes, nullable: true, type: String })
  @IsOptional()
  @NotesRules()
  notes?: string | null;

  @ApiPropertyOptional({ description: 'The revision you edited; a newer one on the server answers 409' })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  revision?: number;
}

export class TransitionWorkOrderDto {
  @ApiProperty({
    enum: WORK_ORDER_STATUSES,
    description:
      'proposed → approved (needs workorders.approve) | cancelled; approved → installing | cancelled; installing → commissioned (needs ipClusterId) | cancelled; commissioned → closed',
  })
  @IsIn(WORK_ORDER_STATUSES)
  to!: WorkOrderStatus;

  @ApiPropertyOptional({ maxLength: 500, description: 'Kept in the history' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 500)
  @MaxChars(500)
  note?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'To commissioned only, and required there: the IP cluster installed, in the same commune (and village, if the order has one), not linked to another order',
  })
  @IsOptional()
  @IsUUID()
  ipClusterId?: string;

  @ApiPropertyOptional(API.date)
  @IsOptional()
  @IsDateOnly()
  actualStart?: string;

  @ApiPropertyOptional(API.date)
  @IsOptional()
  @IsDateOnly()
  actualEnd?: string;

  @ApiPropertyOptional(API.vnd)
  @IsOptional()
  @VndRules()
  actualCostVnd?: string;

  @ApiPropertyOptional({ description: 'The revision you saw; a newer one on the server answers 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  revision?: number;
}

export const WORK_ORDER_SORTS = ['code', 'createdAt', 'plannedStart', 'status'] as const;
export type WorkOrderSort = (typeof WORK_ORDER_SORTS)[number];

export class WorkOrderQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: WORK_ORDER_STATUSES,
    isArray: true,
    description: 'One status, or several separated by commas',
  })
  @IsOptional()
  @Transform(commaList)
  @IsIn(WORK_ORDER_STATUSES, { each: true })
  status?: WorkOrderStatus[];

  @ApiPropertyOptional({ enum: WORK_ORDER_KINDS, isArray: true, description: 'One kind, or several' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(WORK_ORDER_KINDS, { each: true })
  kind?: WorkOrderKind[];

  @ApiPropertyOptional({ enum: FUNDING_PROGRAMMES, isArray: true, description: 'One programme, or several' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(FUNDING_PROGRAMMES, { each: true })
  fundingProgramme?: FundingProgramme[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Orders under this unit: a province, district, commune (either era) or village',
  })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ description: 'Code or title contains this text (case and accent insensitive)' })
  @IsOptional()
  @Transform(searchText)
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ enum: WORK_ORDER_SORTS, default: 'code' })
  @IsOptional()
  @IsIn(WORK_ORDER_SORTS)
  sort: WorkOrderSort = 'code';
}

export class ClusterRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CLUSTER_KINDS }) kind!: ClusterKind;
  @ApiProperty({ enum: CLUSTER_LIFECYCLES }) lifecycle!: ClusterLifecycle;
}

export class WorkOrderView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'WO-2026-0042' }) code!: string;
  @ApiProperty({ enum: WORK_ORDER_KINDS }) kind!: WorkOrderKind;
  @ApiProperty({ enum: WORK_ORDER_STATUSES }) status!: WorkOrderStatus;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'uuid' }) communeId!: string;
  @ApiPropertyOptional({ nullable: true, type: UnitRef }) commune!: UnitRef | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) villageId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: UnitRef }) village!: UnitRef | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) fmClusterId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: ClusterRef, description: 'Replacement: the FM cluster' })
  fmCluster!: ClusterRef | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) ipClusterId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: ClusterRef, description: 'Linked at commissioning' })
  ipCluster!: ClusterRef | null;
  @ApiProperty({ enum: FUNDING_PROGRAMMES }) fundingProgramme!: FundingProgramme;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) plannedStart!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) plannedEnd!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) actualStart!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) actualEnd!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'VND, digits' })
  plannedCostVnd!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'VND, digits' })
  actualCostVnd!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) commissionedAt!: Date | null;
  @ApiPropertyOptional({
    nullable: true,
    type: Date,
    description: "The IP cluster's first connection to the server",
  })
  firstConnectedAt!: Date | null;
  @ApiPropertyOptional({
    nullable: true,
    type: Date,
    description: "The IP cluster's first broadcast played to its end",
  })
  firstBroadcastAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) notes!: string | null;
  @ApiProperty({ description: 'Grows with every change; send it back with PATCH' }) revision!: number;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class WorkOrderEventView {
  @ApiProperty() at!: Date;
  @ApiProperty({
    description: 'created, status, edited, first_connection, first_broadcast',
    example: 'status',
  })
  type!: string;
  @ApiPropertyOptional({ nullable: true, type: String, enum: WORK_ORDER_STATUSES })
  fromStatus!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, enum: WORK_ORDER_STATUSES })
  toStatus!: string | null;
  @ApiProperty({ description: '`user:<id>`, `api_key:<id>` or `system`', example: 'system' }) actor!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) note!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'Changed fields: { field: { before, after } }',
  })
  changes!: Record<string, { before: unknown; after: unknown }> | null;
}

export class WorkOrderDetailView extends WorkOrderView {
  @ApiProperty({ type: [WorkOrderEventView], description: 'Oldest first' })
  history!: WorkOrderEventView[];
}

export class WorkOrderPage {
  @ApiProperty({ type: [WorkOrderView] }) items!: WorkOrderView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
