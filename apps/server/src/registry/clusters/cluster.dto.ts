import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  CLUSTER_KINDS,
  CLUSTER_LIFECYCLES,
  type Cluster,
  type ClusterKind,
  type ClusterLifecycle,
} from '@loa-xa/persistence';
import { PageQuery } from '../../common/pagination';
import { MaxChars } from '../../common/text';
import { UnitRef } from '../units/unit.dto';
import { IsDateOnly, commaList, queryBoolean, searchText, trimmed } from '../validators';
import { INITIAL_LIFECYCLES } from './cluster-lifecycle';

/** ICCIDs are kept upper-case (the filler digit F). */
const upper = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;

/** Present means validated; null is refused (for fields that cannot be cleared). */
const NotNull = () => ValidateIf((_o: object, value: unknown) => value !== undefined);

/* Field rules shared by the create and update DTOs and by every CSV row. */
const CodeRules = () =>
  applyDecorators(
    Transform(trimmed),
    IsString(),
    Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      message:
        'code must be 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
    }),
  );
const NameRules = () => applyDecorators(Transform(trimmed), IsString(), Length(1, 200), MaxChars(200));
const TextRules = (max: number) =>
  applyDecorators(IsOptional(), Transform(trimmed), IsString(), Length(1, max), MaxChars(max));
const LatitudeRules = () =>
  applyDecorators(IsOptional(), IsNumber({ allowNaN: false, allowInfinity: false }), Min(-90), Max(90));
const LongitudeRules = () =>
  applyDecorators(IsOptional(), IsNumber({ allowNaN: false, allowInfinity: false }), Min(-180), Max(180));
const MsisdnRules = () =>
  applyDecorators(
    IsOptional(),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.replace(/[\s.-]/g, '') : value,
    ),
    IsString(),
    Matches(/^\+?[0-9]{8,15}$/, {
      message: 'msisdn must be 8–15 digits, optionally after a + (e.g. +84912345678)',
    }),
  );
const IccidRules = () =>
  applyDecorators(
    IsOptional(),
    Transform(upper),
    IsString(),
    Matches(/^[0-9]{18,22}F?$/, { message: 'iccid must be 18–22 digits, optionally followed by F' }),
    MaxLength(22),
  );

const API = {
  code: { description: 'Code printed on the box; unique', example: 'LS-05971-001', maxLength: 64 },
  name: { example: 'Cụm loa thôn Nà Chuông', maxLength: 200 },
  kind: {
    enum: CLUSTER_KINDS,
    description: 'ip: IT-telecom cluster (gets an MQTT credential); fm_*: legacy FM',
  },
  latitude: { minimum: -90, maximum: 90, example: 21.8537 },
  longitude: { minimum: -180, maximum: 180, example: 106.7615 },
  msisdn: { description: 'SIM phone number', example: '+84912345678', pattern: '^\\+?[0-9]{8,15}$' },
  iccid: { description: 'SIM ICCID', example: '8984049000123456789', pattern: '^[0-9]{18,22}F?$' },
  installedOn: { format: 'date', example: '2024-11-30' },
  ipConnected: {
    type: Boolean,
    description:
      'FM clusters only: a working FM cluster fed by an IP receiver at the station (TT39 Điều 6), so it airs what the IP system schedules',
  },
} as const;

/** Everything about a cluster except where it is (shared by the API and each CSV row). */
export class ClusterFieldsDto {
  @ApiProperty(API.code)
  @CodeRules()
  code!: string;

  @ApiProperty(API.name)
  @NameRules()
  name!: string;

  @ApiProperty(API.kind)
  @IsIn(CLUSTER_KINDS)
  kind!: ClusterKind;

  @ApiPropertyOptional({
    enum: INITIAL_LIFECYCLES,
    default: 'active',
    description: 'Initial state; replaced and decommissioned are reached through PATCH',
  })
  @IsOptional()
  @IsIn(INITIAL_LIFECYCLES)
  lifecycle?: ClusterLifecycle;

  @ApiPropertyOptional(API.latitude)
  @LatitudeRules()
  latitude?: number;

  @ApiPropertyOptional(API.longitude)
  @LongitudeRules()
  longitude?: number;

  @ApiPropertyOptional({ maxLength: 300 })
  @TextRules(300)
  address?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @TextRules(64)
  vendor?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @TextRules(64)
  model?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @TextRules(64)
  firmware?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @TextRules(64)
  serial?: string;

  @ApiPropertyOptional(API.msisdn)
  @MsisdnRules()
  msisdn?: string;

  @ApiPropertyOptional(API.iccid)
  @IccidRules()
  iccid?: string;

  @ApiPropertyOptional({ ...API.ipConnected, default: false })
  @IsOptional()
  @IsBoolean()
  ipConnected?: boolean;

  @ApiPropertyOptional(API.installedOn)
  @IsOptional()
  @IsDateOnly()
  installedOn?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @TextRules(2000)
  notes?: string;
}

export class CreateClusterDto extends ClusterFieldsDto {
  @ApiProperty({ format: 'uuid', description: 'The commune (either era) the cluster serves' })
  @IsUUID()
  communeId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A village under that commune' })
  @IsOptional()
  @IsUUID()
  villageId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Default: the commune's station, if it has one" })
  @IsOptional()
  @IsUUID()
  stationId?: string;
}

/** Changes to a cluster; `null` clears an optional field. The kind never changes. */
export class UpdateClusterDto {
  @ApiPropertyOptional(API.code)
  @NotNull()
  @CodeRules()
  code?: string;

  @ApiPropertyOptional(API.name)
  @NotNull()
  @NameRules()
  name?: string;

  @ApiPropertyOptional({
    ...API.kind,
    description: 'Accepted only when unchanged: the kind is fixed at creation',
  })
  @NotNull()
  @IsIn(CLUSTER_KINDS)
  kind?: ClusterKind;

  @ApiPropertyOptional({
    enum: CLUSTER_LIFECYCLES,
    description:
      'planned → active | decommissioned; active → faulty | replaced | decommissioned; faulty → active | replaced | decommissioned; replaced → decommissioned',
  })
  @NotNull()
  @IsIn(CLUSTER_LIFECYCLES)
  lifecycle?: ClusterLifecycle;

  @ApiPropertyOptional({ format: 'uuid', description: 'Moves the cluster (e.g. after communes merged)' })
  @NotNull()
  @IsUUID()
  communeId?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @IsOptional()
  @IsUUID()
  villageId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @IsOptional()
  @IsUUID()
  stationId?: string | null;

  @ApiPropertyOptional({ ...API.latitude, nullable: true, type: Number })
  @LatitudeRules()
  latitude?: number | null;

  @ApiPropertyOptional({ ...API.longitude, nullable: true, type: Number })
  @LongitudeRules()
  longitude?: number | null;

  @ApiPropertyOptional({ maxLength: 300, nullable: true, type: String })
  @TextRules(300)
  address?: string | null;

  @ApiPropertyOptional({ maxLength: 64, nullable: true, type: String })
  @TextRules(64)
  vendor?: string | null;

  @ApiPropertyOptional({ maxLength: 64, nullable: true, type: String })
  @TextRules(64)
  model?: string | null;

  @ApiPropertyOptional({ maxLength: 64, nullable: true, type: String })
  @TextRules(64)
  firmware?: string | null;

  @ApiPropertyOptional({ maxLength: 64, nullable: true, type: String })
  @TextRules(64)
  serial?: string | null;

  @ApiPropertyOptional({ ...API.msisdn, nullable: true, type: String })
  @MsisdnRules()
  msisdn?: string | null;

  @ApiPropertyOptional({ ...API.iccid, nullable: true, type: String })
  @IccidRules()
  iccid?: string | null;

  @ApiPropertyOptional(API.ipConnected)
  @NotNull()
  @IsBoolean()
  ipConnected?: boolean;

  @ApiPropertyOptional({ ...API.installedOn, nullable: true, type: String })
  @IsOptional()
  @IsDateOnly()
  installedOn?: string | null;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true, type: String })
  @TextRules(2000)
  notes?: string | null;
}

export const CLUSTER_SORTS = ['code', 'name', 'createdAt', 'installedOn', 'lifecycle'] as const;
export type ClusterSort = (typeof CLUSTER_SORTS)[number];

export class ClusterQuery extends PageQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Clusters under this unit: a province, district or commune (either era), or a village',
  })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Clusters of this station' })
  @IsOptional()
  @IsUUID()
  stationId?: string;

  @ApiPropertyOptional({
    enum: CLUSTER_KINDS,
    isArray: true,
    description: 'One kind, or several separated by commas',
  })
  @IsOptional()
  @Transform(commaList)
  @IsIn(CLUSTER_KINDS, { each: true })
  kind?: ClusterKind[];

  @ApiPropertyOptional({
    enum: CLUSTER_LIFECYCLES,
    isArray: true,
    description: 'One state, or several separated by commas (e.g. active,faulty)',
  })
  @IsOptional()
  @Transform(commaList)
  @IsIn(CLUSTER_LIFECYCLES, { each: true })
  lifecycle?: ClusterLifecycle[];

  @ApiPropertyOptional({ type: Boolean, description: 'Connected now (FM clusters are never online)' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  online?: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'FM clusters connected to the IP system (true), or clusters that are not (false)',
  })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  ipConnected?: boolean;

  @ApiPropertyOptional({ description: 'Code or name contains this text (case and accent insensitive)' })
  @IsOptional()
  @Transform(searchText)
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ enum: CLUSTER_SORTS, default: 'code' })
  @IsOptional()
  @IsIn(CLUSTER_SORTS)
  sort: ClusterSort = 'code';
}

/** Key figures of a cluster's latest telemetry, for lists (the detail view has the whole message). */
export class ClusterVitals {
  @ApiProperty({ description: 'Server time the telemetry was received' }) at!: Date;
  @ApiProperty({ example: 'lte', description: 'Link in use' }) network!: string;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'LTE RSRP, dBm' }) rsrp!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'RSSI, dBm' }) rssi!: number | null;
  @ApiProperty({ enum: ['mains', 'battery'] }) powerSource!: string;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Battery charge, %' })
  batteryPct!: number | null;
  @ApiProperty({ minimum: 0, maximum: 100, description: 'Output volume, %' }) volume!: number;
}

export class ClusterView {
  @ApiProperty({ format: 'uuid', description: 'Also the MQTT username and client id of an IP cluster' })
  id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CLUSTER_KINDS }) kind!: ClusterKind;
  @ApiProperty({ enum: CLUSTER_LIFECYCLES }) lifecycle!: ClusterLifecycle;
  @ApiProperty({ format: 'uuid' }) communeId!: string;
  @ApiPropertyOptional({ type: UnitRef }) commune!: UnitRef | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) villageId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: UnitRef }) village!: UnitRef | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) stationId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) latitude!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) longitude!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) address!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) vendor!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) model!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) firmware!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) serial!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) msisdn!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) iccid!: string | null;
  @ApiProperty({ description: 'FM clusters only: fed by an IP receiver at the station (TT39 Điều 6)' })
  ipConnected!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) installedOn!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) notes!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
  @ApiProperty({ description: 'Connected now (from the live fleet view)' }) online!: boolean;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'Last message from the cluster' })
  lastSeenAt!: Date | null;
  @ApiProperty({ type: [String], description: 'Codes of the faults open now', example: ['line_open'] })
  activeFaults!: string[];
  @ApiPropertyOptional({
    nullable: true,
    type: ClusterVitals,
    description: 'Signal, power and volume from the latest telemetry (null: none since the server started)',
  })
  vitals!: ClusterVitals | null;

  static from(
    row: Cluster,
    live: {
      online: boolean;
      lastSeenAt: Date | null;
      activeFaults: string[];
      vitals: ClusterVitals | null;
    },
  ): ClusterView {
    return {
      id: row.id,
      code: row.code,
      name: row.name,
      kind: row.kind,
      lifecycle: row.lifecycle,
      communeId: row.communeId,
      commune: row.commune ? UnitRef.from(row.commune) : null,
      villageId: row.villageId,
      village: row.village ? UnitRef.from(row.village) : null,
      stationId: row.stationId,
      latitude: row.latitude,
      longitude: row.longitude,
      address: row.address,
      vendor: row.vendor,
      model: row.model,
      firmware: row.firmware,
      serial: row.serial,
      msisdn: row.msisdn,
      iccid: row.iccid,
      ipConnected: row.ipConnected,
      installedOn: row.installedOn,
      notes: row.notes,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      ...live,
    };
  }
}

export class FaultView {
  @ApiProperty({ example: 'line_open' }) code!: string;
  @ApiProperty({ description: 'When it was raised (server time axis)' }) since!: Date;
  @ApiPropertyOptional({ nullable: true, type: String }) detail!: string | null;
}

export class ClusterLiveView {
  @ApiProperty() online!: boolean;
  @ApiPropertyOptional({
    nullable: true,
    type: Date,
    description: 'Start of the current online/offline period (null: not seen since the server started)',
  })
  since!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastSeenAt!: Date | null;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'The last hello: vendor, model, firmware, capabilities… as the device reported them',
  })
  hello!: Record<string, unknown> | null;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'The latest telemetry message (see docs/protocol.md)',
  })
  telemetry!: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) telemetryAt!: Date | null;
  @ApiProperty({ type: [FaultView] }) faults!: FaultView[];
}

export class ClusterDetailView extends ClusterView {
  @ApiPropertyOptional({
    nullable: true,
    type: ClusterLiveView,
    description: 'Live state of an IP cluster; null for FM clusters and retired ones',
  })
  live!: ClusterLiveView | null;
}

export class CredentialView {
  @ApiProperty({ format: 'uuid', description: 'MQTT username: the cluster id' }) username!: string;
  @ApiProperty({ format: 'uuid', description: 'MQTT client id: the cluster id' }) clientId!: string;
  @ApiProperty({ description: 'MQTT password. Shown only in this response: store it in the device now' })
  password!: string;
  @ApiPropertyOptional({ description: 'Broker URL for devices', example: 'mqtts://mqtt.example.vn:8883' })
  brokerUrl?: string;
}

export class CreatedClusterView {
  @ApiProperty({ type: ClusterView }) cluster!: ClusterView;
  @ApiPropertyOptional({ nullable: true, type: CredentialView, description: 'IP clusters only' })
  credential!: CredentialView | null;
}

export class RotatedCredentialView {
  @ApiProperty({ type: CredentialView }) credential!: CredentialView;
}

export class ClusterPage {
  @ApiProperty({ type: [ClusterView] }) items!: ClusterView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
