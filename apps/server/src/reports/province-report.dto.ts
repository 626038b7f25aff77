import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { FUNDING_PROGRAMMES, UNIT_ERAS, UNIT_LEVELS, WORK_ORDER_KINDS } from '@loa-xa/persistence';
import { PeriodQuery } from './availability.dto';
import { REPORT_FORMATS, REPORT_SCHEMA, type ReportFormat } from './province-report.model';
import { REPORT_JOB_STATES, type ReportJob, type ReportJobState } from './report-jobs.service';

export class ProvinceReportQuery extends PeriodQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A province, district or commune inside my scope; default: my scope unit',
  })
  @IsOptional()
  @IsUUID()
  unit?: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'xlsx' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format: ReportFormat = 'xlsx';
}

/** Body of POST /reports/province/jobs: the same fields as the direct download. */
export class ProvinceReportJobDto extends ProvinceReportQuery {}

export class ReportJobView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: REPORT_JOB_STATES }) state!: ReportJobState;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share of the work done' }) progress!: number;
  @ApiProperty({
    description:
      'What it is doing: queued, starting, units, inventory, availability, scheduled, playlogs, alerts, assembled, writing, done, failed',
  })
  stage!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why it failed' }) error!: string | null;
  @ApiProperty({ enum: REPORT_FORMATS }) format!: ReportFormat;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) finishedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, description: 'Where to download the file once done' })
  downloadUrl!: string | null;

  static from(job: ReportJob): ReportJobView {
    return {
      id: job.id,
      state: job.state,
      progress: Math.round(job.progress * 1000) / 1000,
      stage: job.stage,
      error: job.error,
      format: job.format,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
      downloadUrl: job.state === 'done' ? `/api/v1/reports/jobs/${job.id}/download` : null,
    };
  }
}

/* The JSON feed (format=json), described for the OpenAPI document; docs/reports.md explains each figure. */

export class ReportFiguresView {
  @ApiProperty({ description: 'Stations (one per commune) that are IT-telecom stations' })
  stationsIp!: number;
  @ApiProperty({ description: 'Wired / FM stations' }) stationsOther!: number;
  @ApiProperty({ description: 'IP clusters active now' }) ipWorking!: number;
  @ApiProperty({ description: 'IP clusters faulty now' }) ipBroken!: number;
  @ApiProperty() fmWiredWorking!: number;
  @ApiProperty() fmWiredBroken!: number;
  @ApiProperty() fmWirelessWorking!: number;
  @ApiProperty() fmWirelessBroken!: number;
  @ApiProperty({ description: 'Working FM clusters fed by the IP system (TT39 Điều 6)' })
  fmConnectedToIp!: number;
  @ApiProperty({ description: 'New-station work orders commissioned in the period' }) newStations!: number;
  @ApiProperty({ description: 'Replacement work orders commissioned in the period' }) replacements!: number;
  @ApiProperty({ description: 'Expansion work orders commissioned in the period' }) expansions!: number;
  @ApiProperty({ description: 'Villages (current)' }) villages!: number;
  @ApiProperty({ description: 'Villages with at least one working (active) cluster' })
  villagesCovered!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Scheduled time, ms; null without a schedule source',
  })
  scheduledMs!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'scheduledMs in hours, 2 decimals' })
  scheduledHours!: number | null;
  @ApiProperty({ description: 'Time on air of scheduled and immediate broadcasts, ms' }) playedMs!: number;
  @ApiProperty({ description: 'playedMs in hours, 2 decimals' }) playedHours!: number;
  @ApiProperty({ description: 'Online time of the IP clusters, ms' }) onlineMs!: number;
  @ApiProperty({ description: 'Observed time of the IP clusters, ms' }) observedMs!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'onlineMs / observedMs × 100, 2 decimals' })
  uptimePercent!: number | null;
  @ApiProperty({ description: 'Alerts open at the end of the period' }) openAlerts!: number;
}

export class ReportRowView {
  @ApiProperty({ enum: ['district', 'commune'] }) level!: 'district' | 'commune';
  @ApiProperty({ description: 'Printed numbering: I, II… for districts, 1, 2… for communes' }) stt!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ description: 'GSO code' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String, description: 'GSO code of the district of a commune' })
  districtCode!: string | null;
  @ApiProperty({ type: ReportFiguresView }) figures!: ReportFiguresView;
}

export class SpendingItemView {
  @ApiProperty({ enum: FUNDING_PROGRAMMES }) programme!: string;
  @ApiProperty() programmeName!: string;
  @ApiProperty({ enum: WORK_ORDER_KINDS }) kind!: string;
  @ApiProperty({ description: 'Work orders commissioned in the period' }) orders!: number;
  @ApiProperty({ description: 'Sum of actual cost, else planned cost, VND' }) costVnd!: number;
  @ApiProperty({ description: 'Orders with neither cost' }) ordersWithoutCost!: number;
}

export class SpendingTotalView {
  @ApiProperty() orders!: number;
  @ApiProperty() costVnd!: number;
}

export class ReportPeriodView {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ format: 'date-time' }) start!: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive' }) end!: string;
}

export class ReportUnitView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'GSO code' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: UNIT_LEVELS }) level!: string;
  @ApiProperty({ enum: UNIT_ERAS }) era!: string;
  @ApiProperty({ type: [String], description: 'Names from the province down to this unit' })
  lineage!: string[];
}

export class ProvinceReportView {
  @ApiProperty({ enum: [REPORT_SCHEMA] }) schema!: string;
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ type: ReportPeriodView }) period!: ReportPeriodView;
  @ApiProperty({ type: ReportUnitView }) unit!: ReportUnitView;
  @ApiProperty() scheduledKnown!: boolean;
  @ApiProperty({ type: [ReportRowView] }) rows!: ReportRowView[];
  @ApiProperty({ type: ReportFiguresView }) totals!: ReportFiguresView;
  @ApiProperty({ type: [SpendingItemView] }) spending!: SpendingItemView[];
  @ApiProperty({ type: SpendingTotalView }) spendingTotal!: SpendingTotalView;
}
