import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../access/scope';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { validationFailed } from '../common/validation';
import { AvailabilityService } from './availability.service';
import {
  REPORT_SCHEMA,
  buildRows,
  spendingTable,
  zeroCounts,
  type CountFigures,
  type ProvinceReport,
} from './province-report.model';
import { ProvinceReportRepository } from './province-report.repository';
import type { AreaUnit } from './report-area';
import { reportPeriod } from './report-period';
import { ReportUnits } from './report-units.service';

export interface ProvinceReportRequest {
  from: string;
  to: string;
  unit?: string;
}

/** Where a report build is: a stage name and how much of the whole is done (0..1). */
export type ProgressListener = (stage: string, progress: number) => void;

const REPORT_LEVELS = new Set(['province', 'district', 'commune']);

/** Builds the provincial report (by district and commune) from the raw tables, aggregated in SQL. */
@Injectable()
export class ProvinceReportService {
  constructor(
    private readonly repository: ProvinceReportRepository,
    private readonly availability: AvailabilityService,
    private readonly units: ReportUnits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Checks the request (period, unit in scope) without building anything: jobs are refused at once rather
   * than failing later.
   */
  async resolve(principal: Principal, request: ProvinceReportRequest): Promise<AreaUnit> {
    reportPeriod(request.from, request.to, this.config.timeZone);
    const unitId = request.unit ?? principal.scope?.unitId;
    if (!unitId)
      throw validationFailed([
        { field: 'unit', rule: 'required', message: 'unit is required for an account without a scope' },
      ]);
    const unit = await this.units.inScope(principal.scope, unitId);
    if (!REPORT_LEVELS.has(unit.level))
      throw validationFailed([
        {
          field: 'unit',
          rule: 'reportLevel',
          message: `unit must be a province, district or commune (${unit.name} is a ${unit.level})`,
        },
      ]);
    return unit;
  }

  async build(
    principal: Principal,
    request: ProvinceReportRequest,
    progress: ProgressListener = () => undefined,
  ): Promise<ProvinceReport> {
    const period = reportPeriod(request.from, request.to, this.config.timeZone);
    const unit = await this.resolve(principal, request);
    progress('units', 0.02);
    const [{ communes, districts }, lineage] = await Promise.all([
      this.repository.units(unit, period.from),
      this.units.lineage(unit),
    ]);
    const counts = new Map<string, CountFigures>();
    const merge = (parts: Map<string, Partial<CountFigures>>) => {
      for (const [id, figures] of parts) {
        const row = counts.get(id) ?? zeroCounts();
        for (const [k, v] of Object.entries(figures)) row[k as keyof CountFigures] += v;
        counts.set(id, row);
      }
    };
    progress('inventory', 0.05);
    merge(await this.repository.inventory(unit));
    merge(await this.repository.commissioned(unit, period.start, period.end));
    progress('availability', 0.15);
    const area = await this.availability.forArea([unit.path], period, (f) =>
      progress(f < 0.2 ? 'availability' : 'scheduled', 0.15 + 0.6 * f),
    );
    const perCommune = new Map<string, Partial<CountFigures>>();
    for (const c of area.clusters) {
      const sum = perCommune.get(c.communeId) ?? { onlineMs: 0, observedMs: 0, scheduledMs: 0 };
      sum.onlineMs = (sum.onlineMs ?? 0) + c.onlineMs;
      sum.observedMs = (sum.observedMs ?? 0) + c.observedMs;
      sum.scheduledMs = (sum.scheduledMs ?? 0) + (area.scheduled?.get(c.clusterId)?.ms ?? 0);
      perCommune.set(c.communeId, sum);
    }
    merge(perCommune);
    progress('playlogs', 0.8);
    merge(await this.repository.played(unit, period.start, period.end));
    progress('alerts', 0.9);
    merge(await this.repository.openAlerts(unit, period.end));
    const spending = spendingTable(await this.repository.spending(unit, period.start, period.end));
    const { rows, totals } = buildRows(districts, communes, counts, area.scheduled !== null);
    progress('assembled', 0.95);
    return {
      schema: REPORT_SCHEMA,
      generatedAt: new Date().toISOString(),
      timeZone: period.timeZone,
      period: {
        from: period.from,
        to: period.to,
        start: period.start.toISOString(),
        end: period.end.toISOString(),
      },
      unit: { id: unit.id, code: unit.code, name: unit.name, level: unit.level, era: unit.era, lineage },
      scheduledKnown: area.scheduled !== null,
      rows,
      totals,
      ...spending,
    };
  }
}
