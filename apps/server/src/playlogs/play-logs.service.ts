import { Inject, Injectable, NotFoundException, Optional } from '@nestjs/common';
import type { PlayLogRow } from '@loa-xa/persistence';
import { pathInScope, type Principal, type Scope } from '../access/scope';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { Page } from '../common/pagination';
import { validationFailed } from '../common/validation';
import { PlayLogRepository, type PlayLogFilter, type UnitArea } from './play-log.repository';
import {
  PlayLogView,
  type PlayLogQuery,
  type PlayLogSummaryQuery,
  type PlayLogSummaryView,
} from './play-log.dto';
import { localDayBounds, summarizeCommunes } from './play-log-summary';
import { SCHEDULED_TIME, type ScheduledTimeSource } from './scheduled-time';

/** The play log API: lists, exports and the daily summary, always inside the caller's scope. */
@Injectable()
export class PlayLogsService {
  constructor(
    private readonly repository: PlayLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(SCHEDULED_TIME) private readonly scheduled: ScheduledTimeSource | null = null,
  ) {}

  get timeZone(): string {
    return this.config.timeZone;
  }

  async page(principal: Principal, query: PlayLogQuery): Promise<Page<PlayLogView>> {
    const filter = await this.filter(principal, query);
    const [rows, total] = await this.repository.page(filter, query.page, query.pageSize);
    const names = await this.repository.playbackNames(rows);
    return {
      items: rows.map((row) => PlayLogView.from(row, names.get(row.id))),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  /** Checks the query and returns every match in chunks (the filter is resolved before the first chunk). */
  async export(principal: Principal, query: PlayLogQuery): Promise<AsyncGenerator<PlayLogRow[]>> {
    return this.repository.all(await this.filter(principal, query));
  }

  async summary(principal: Principal, query: PlayLogSummaryQuery): Promise<PlayLogSummaryView> {
    const unit = query.unitId ? await this.visibleUnit(principal.scope, query.unitId) : undefined;
    const { from, to } = localDayBounds(query.date, this.config.timeZone);
    const counts = await this.repository.summaryCounts(principal.scope, unit, from, to);
    const { communes, clusterCommune } = await this.repository.summaryCommunes(principal.scope, unit, counts);
    // The whole server: let the source answer for everything rather than pass 10,000 ids.
    const ids = principal.scope === null && !unit ? null : [...clusterCommune.keys()];
    const scheduled = this.scheduled
      ? await this.scheduled.scheduledByCluster(ids, from.getTime(), to.getTime())
      : null;
    return {
      date: query.date,
      timeZone: this.config.timeZone,
      from,
      to,
      scheduledKnown: scheduled !== null,
      communes: summarizeCommunes(communes, counts, clusterCommune, scheduled),
    };
  }

  private async filter(principal: Principal, query: PlayLogQuery): Promise<PlayLogFilter> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from >= to)
      throw validationFailed([{ field: 'from', rule: 'beforeTo', message: 'from must be before to' }]);
    if (query.clusterId) {
      const path = await this.repository.clusterPath(query.clusterId);
      if (!path || !pathInScope(principal.scope, path))
        throw new NotFoundException(`cluster ${query.clusterId} not found`);
    }
    return {
      scope: principal.scope,
      unit: query.unitId ? await this.visibleUnit(principal.scope, query.unitId) : undefined,
      clusterId: query.clusterId,
      scheduleId: query.scheduleId,
      broadcastId: query.broadcastId,
      source: query.source,
      event: query.event,
      from,
      to,
      order: query.order,
    };
  }

  /** A unit inside the scope, or above it (its part inside the scope is what is shown); else 404. */
  private async visibleUnit(scope: Scope | null, unitId: string): Promise<UnitArea> {
    const unit = await this.repository.findUnit(unitId);
    const above = (u: UnitArea) =>
      scope !== null && scope.paths.some((p) => p === u.path || p.startsWith(`${u.path}/`));
    if (!unit || !(pathInScope(scope, unit.path) || above(unit)))
      throw new NotFoundException(`unit ${unitId} not found`);
    return unit;
  }
}
