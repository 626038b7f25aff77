import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Principal } from '../access/scope';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { SCHEDULED_TIME, type ScheduledTimeSource } from '../playlogs/scheduled-time';
import { AvailabilityRepository, type ClusterPeriodFigures } from './availability.repository';
import { rollUp, type AvailabilityLevel, type Scheduled } from './availability-rollup';
import type { AvailabilityQuery, AvailabilityReportView } from './availability.dto';
import { reportPeriod, type ReportPeriod } from './report-period';
import { ReportUnits } from './report-units.service';
import { scheduledOverPeriod } from './scheduled-windows';

/** Per-cluster figures and the scheduled side for one area and period (shared with the province report). */
export interface AreaAvailability {
  clusters: ClusterPeriodFigures[];
  /** null: no schedule source is provided. */
  scheduled: Scheduled | null;
  observedUntil: Date;
}

/** Uptime, broadcast success and repair times from stored transitions, play logs and alerts. */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly repository: AvailabilityRepository,
    private readonly units: ReportUnits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(SCHEDULED_TIME) private readonly scheduledTime: ScheduledTimeSource | null = null,
  ) {}

  get timeZone(): string {
    return this.config.timeZone;
  }

  async report(principal: Principal, query: AvailabilityQuery): Promise<AvailabilityReportView> {
    const period = reportPeriod(query.from, query.to, this.config.timeZone);
    const unit = query.unitId ? await this.units.inScope(principal.scope, query.unitId) : null;
    const paths = unit ? [unit.path] : (principal.scope?.paths ?? null);
    const area = await this.forArea(paths, period);
    const level: AvailabilityLevel = query.level ?? 'commune';
    const { rows, total } = rollUp(area.clusters, area.scheduled, level);
    return {
      from: period.from,
      to: period.to,
      timeZone: period.timeZone,
      start: period.start,
      end: period.end,
      observedUntil: area.observedUntil,
      level,
      unitId: unit?.id ?? null,
      scheduledKnown: area.scheduled !== null,
      rows,
      total,
    };
  }

  /**
   * Everything availability needs for the clusters under `paths` (null: the whole server). `progress`
   * hears how far the scheduled side (the slow part) has come.
   */
  async forArea(
    paths: readonly string[] | null,
    period: ReportPeriod,
    progress?: (fraction: number) => void,
  ): Promise<AreaAvailability> {
    const now = Date.now();
    const observedUntil = new Date(Math.max(period.start.getTime(), Math.min(period.end.getTime(), now)));
    const clusters = await this.repository.perCluster(paths, {
      start: period.start,
      end: period.end,
      observedEnd: observedUntil,
    });
    progress?.(0.2);
    let scheduled: Scheduled | null = null;
    if (this.scheduledTime) {
      // The whole server: let the source answer for everything rather than pass every id.
      const ids = paths === null ? null : clusters.map((c) => c.clusterId);
      scheduled =
        ids !== null && ids.length === 0
          ? new Map()
          : await scheduledOverPeriod(this.scheduledTime, ids, period, (done, of) =>
              progress?.(0.2 + (0.8 * done) / of),
            );
    }
    progress?.(1);
    return { clusters, scheduled, observedUntil };
  }
}
