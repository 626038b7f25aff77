import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import {
  RULE_IDS,
  evaluate,
  forceResolve,
  newTracker,
  observe,
  resolvedByHand,
  restoredTracker,
  tick,
  isRuleId,
  type Condition,
  type DampingParams,
  type EffectiveRule,
  type RuleId,
  type StepResult,
  type Tracker,
} from '@loa-xa/health';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { FleetView, type PresenceChange } from '../fleet/fleet-view.service';
import { MetricsService } from '../ops/metrics.service';
import { ManifestService } from '../broadcasts/manifest.service';
import { PlayLogWriter } from '../playlogs/play-log.writer';
import type { PlayLogInsert } from '../playlogs/play-log-rows';
import { AlertStore } from './alert-store.service';
import { ClusterDirectory } from './cluster-directory.service';
import { EXPECTED_BROADCASTS, type ExpectedBroadcasts } from './expected-broadcasts';
import { HealthSettings } from './health-settings.service';
import { TimerHeap } from './timer-heap';

interface RuleState {
  tracker: Tracker;
  dueAt: number | null;
  /** The last condition seen active (detail and value for the alert; `at` dates it). */
  condition: Condition | null;
}

interface ClusterHealth {
  rules: Map<RuleId, RuleState>;
  /** Occurrences due that no play report has confirmed yet. */
  pending: { id: string; start: number }[];
  /** Occurrences reported started (id → start), kept a while to confirm late arrivals. */
  started: Map<string, number>;
  missed: { occurrenceId: string; start: number } | null;
}

/** Scheduled occurrences that came due are collected every this many ticks (at most every 15 s). */
const WATCH_TICKS = 15;
/** Started occurrences are remembered this long. */
const STARTED_KEEP_MS = 12 * 3_600_000;
const DIRECTORY_REFRESH_MS = 5 * 60_000;

/**
 * Judges every IP cluster by the health rules as its state changes — telemetry, faults, presence, manifest
 * acknowledgements, play reports — on the in-memory fleet view, never by polling tables. Time-based rules
 * (offline for N minutes, weak signal for a duration) wait on a timer heap checked every HEALTH_TICK_MS.
 * Decisions go to the AlertStore, which writes them in batches and publishes them.
 */
@Injectable()
export class HealthEngine implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HealthEngine');
  private readonly clusters = new Map<string, ClusterHealth>();
  private readonly timers = new TimerHeap();
  private readonly unsubscribe: (() => void)[] = [];
  private ticker: NodeJS.Timeout | null = null;
  private startedAt = Date.now();
  private watchedUntil = Date.now();
  private lastWatch = 0;
  private lastPrune = Date.now();
  private lastDirectoryRefresh = Date.now();
  private refreshing = false;
  private readonly evaluations: Counter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly fleet: FleetView,
    private readonly directory: ClusterDirectory,
    private readonly settings: HealthSettings,
    private readonly store: AlertStore,
    private readonly manifests: ManifestService,
    private readonly playLogs: PlayLogWriter,
    metrics: MetricsService,
    @Optional() @Inject(EXPECTED_BROADCASTS) private readonly expected?: ExpectedBroadcasts,
  ) {
    this.evaluations = new Counter({
      name: 'loa_health_evaluations_total',
      help: 'Rule evaluations of one cluster (each telemetry, fault, presence or manifest change)',
      registers: [metrics.registry],
    });
    const clusters = this.clusters;
    new Gauge({
      name: 'loa_alerts_active',
      help: 'Alerts open or acknowledged, by rule (from the health engine)',
      labelNames: ['rule'],
      registers: [metrics.registry],
      collect() {
        const counts = new Map<string, number>(RULE_IDS.map((r) => [r, 0]));
        for (const h of clusters.values())
          for (const [rule, s] of h.rules)
            if (s.tracker.alerted) counts.set(rule, (counts.get(rule) ?? 0) + 1);
        for (const [rule, n] of counts) this.set({ rule }, n);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.healthRules === 'off') {
      this.logger.warn('HEALTH_RULES=off: clusters are not judged, no alert opens or resolves');
      return;
    }
    this.startedAt = Date.now();
    this.watchedUntil = this.startedAt;
    await Promise.all([this.directory.reload(), this.settings.load()]);
    const open: {
      cluster_id: string;
      rule: string;
      since: Date;
      flapping: boolean;
      value: { occurrenceId?: string } | null;
    }[] = await this.dataSource.query(
      `SELECT cluster_id, rule, since, flapping, value FROM alert WHERE state <> 'resolved'`,
    );
    for (const row of open) {
      if (!isRuleId(row.rule)) continue;
      const h = this.health(row.cluster_id);
      // The missed occurrence lives in memory: take it back from the alert, or a restart would clear it.
      if (row.rule === 'missed_broadcast' && typeof row.value?.occurrenceId === 'string')
        h.missed = { occurrenceId: row.value.occurrenceId, start: new Date(row.since).getTime() };
      h.rules.set(row.rule, {
        tracker: restoredTracker(new Date(row.since).getTime(), row.flapping, this.startedAt),
        dueAt: null,
        condition: null,
      });
    }

    const onPresence = (change: PresenceChange) => this.evaluate(change.clusterId);
    const onCluster = (clusterId: string) => this.evaluate(clusterId);
    const onForget = (clusterId: string) => this.retire(clusterId);
    this.fleet.on('presence', onPresence);
    this.fleet.on('telemetry', onCluster);
    this.fleet.on('faults', onCluster);
    this.fleet.on('forget', onForget);
    this.unsubscribe.push(() => {
      this.fleet.off('presence', onPresence);
      this.fleet.off('telemetry', onCluster);
      this.fleet.off('faults', onCluster);
      this.fleet.off('forget', onForget);
    });
    this.unsubscribe.push(this.manifests.onChange(onCluster));
    this.unsubscribe.push(this.playLogs.onReports((rows) => this.onPlayReports(rows)));
    this.unsubscribe.push(this.settings.onChange((path) => this.rejudge(path)));

    // Everything once: clusters offline since before the restart, alerts whose condition cleared meanwhile.
    for (const id of this.knownClusters()) this.evaluate(id);
    this.ticker = setInterval(() => this.tick(), this.config.healthTickMs);
    this.ticker.unref();
    this.logger.log({ restoredAlerts: open.length }, 'health engine started');
  }

  async onModuleDestroy(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    for (const off of this.unsubscribe.splice(0)) off();
    await this.store.flush();
  }

  /** Re-judges one cluster against its current state. */
  evaluate(clusterId: string, now = Date.now()): void {
    const place = this.directory.get(clusterId);
    if (!place) {
      if (this.fleet.has(clusterId))
        this.directory.request(clusterId, (ids) => ids.forEach((id) => this.evaluate(id)));
      return;
    }
    const live = this.fleet.get(clusterId);
    if (!live || !this.directory.judged(place)) {
      this.retire(clusterId, now);
      return;
    }
    this.evaluations.inc();
    const h = this.health(clusterId);
    const rules = this.settings.forPath(place.communePath);
    const conditions = evaluate(
      {
        online: live.online,
        presenceSince: live.since?.getTime() ?? null,
        lastSeenAt: live.lastSeenAt?.getTime() ?? null,
        telemetry: live.telemetry,
        faults: live.faults,
        manifest: this.manifests.versionOf(clusterId),
        missed: h.missed,
        holding: this.holding(h),
      },
      rules,
    );
    for (const rule of RULE_IDS) {
      const setting = rules[rule];
      let state = h.rules.get(rule);
      if (!setting.enabled) {
        if (state) this.apply(clusterId, rule, state, setting, forceResolve(state.tracker, now), now);
        continue;
      }
      const condition = conditions[rule];
      const params = setting.params as unknown as DampingParams;
      if (!condition) {
        if (state) this.apply(clusterId, rule, state, setting, tick(state.tracker, now, params), now);
        continue;
      }
      if (!state) {
        if (!condition.active) continue;
        state = { tracker: newTracker(now), dueAt: null, condition: null };
        h.rules.set(rule, state);
      }
      if (condition.active) state.condition = condition;
      // Time before this server started does not count towards a hold time (a restart is not an outage).
      const at = Math.max(condition.at ?? now, this.startedAt);
      this.apply(
        clusterId,
        rule,
        state,
        setting,
        observe(state.tracker, condition.active, at, now, params),
        now,
      );
    }
  }

  /** Rules whose condition held at the last look (measurements use it for their hysteresis). */
  private holding(h: ClusterHealth): Set<RuleId> | undefined {
    let out: Set<RuleId> | undefined;
    for (const [rule, state] of h.rules) if (state.tracker.active) (out ??= new Set()).add(rule);
    return out;
  }

  /** A person resolved an alert: the rule waits for its condition to clear before raising it again. */
  resolvedByHand(clusterId: string, rule: string): void {
    if (!isRuleId(rule)) return;
    const state = this.clusters.get(clusterId)?.rules.get(rule);
    if (state) resolvedByHand(state.tracker);
  }

  private apply(
    clusterId: string,
    rule: RuleId,
    state: RuleState,
    setting: EffectiveRule,
    step: StepResult,
    now: number,
  ): void {
    for (const action of step.actions) {
      if (action.type === 'raise') {
        const began = state.condition?.at;
        this.store.push({
          type: 'open',
          clusterId,
          rule,
          severity: setting.severity,
          since: began !== undefined ? Math.min(began, action.since) : action.since,
          at: now,
          detail: state.condition?.detail ?? null,
          value: state.condition?.value ?? null,
          flapping: action.flapping,
        });
      } else if (action.type === 'resolve') {
        state.condition = null;
        this.store.push({ type: 'resolve', clusterId, rule, clearedAt: action.clearedAt, at: now });
      } else {
        this.store.push({ type: 'flapping', clusterId, rule, at: now });
      }
    }
    if (step.dueAt !== null && step.dueAt !== state.dueAt) this.timers.push(step.dueAt, clusterId, rule);
    state.dueAt = step.dueAt;
    // A quiet tracker holds nothing worth keeping.
    const t = state.tracker;
    if (!t.alerted && !t.active && !t.suppressed && t.toggles.length === 0 && step.dueAt === null)
      this.clusters.get(clusterId)?.rules.delete(rule);
  }

  private tick(): void {
    const now = Date.now();
    try {
      for (const due of this.timers.popDue(now)) {
        const state = this.clusters.get(due.clusterId)?.rules.get(due.rule as RuleId);
        if (!state || state.dueAt !== due.at) continue;
        state.dueAt = null;
        // A timer firing is a re-evaluation: the condition may have changed without an event.
        this.evaluate(due.clusterId, now);
      }
      if (now - this.lastWatch >= Math.min(15_000, this.config.healthTickMs * WATCH_TICKS)) {
        this.lastWatch = now;
        this.watchBroadcasts(now);
      }
      if (now - this.lastPrune >= 3_600_000) {
        this.lastPrune = now;
        this.pruneStarted(now);
      }
      if (now - this.lastDirectoryRefresh >= DIRECTORY_REFRESH_MS && !this.refreshing) {
        this.lastDirectoryRefresh = now;
        this.refreshing = true;
        void this.directory
          .reload()
          .then((changed) => changed.forEach((id) => this.evaluate(id)))
          .catch((err: unknown) => this.logger.warn({ err }, 'cluster directory refresh failed'))
          .finally(() => (this.refreshing = false));
      }
    } catch (err) {
      this.logger.error({ err }, 'health tick failed');
    }
  }

  /**
   * Missed broadcasts: collects the occurrences that came due since the last look, then judges those
   * past their grace time on clusters connected long enough for reports buffered offline to have arrived.
   */
  private watchBroadcasts(now: number): void {
    if (this.expected && now > this.watchedUntil) {
      const due = this.expected.expectedStarts(this.watchedUntil, now);
      this.watchedUntil = now;
      for (const [clusterId, starts] of due) {
        if (!this.fleet.has(clusterId)) continue;
        const h = this.health(clusterId);
        for (const s of starts) if (!h.started.has(s.id)) h.pending.push(s);
      }
    }
    for (const [clusterId, h] of this.clusters) {
      if (h.pending.length === 0) continue;
      const live = this.fleet.get(clusterId);
      const place = this.directory.get(clusterId);
      if (!live?.online || !place) continue;
      const graceMs = this.settings.forPath(place.communePath).missed_broadcast.params.graceS * 1000;
      if ((live.since?.getTime() ?? 0) + graceMs > now) continue;
      let missed: ClusterHealth['missed'] = null;
      h.pending = h.pending.filter((p) => {
        if (h.started.has(p.id)) return false;
        if (p.start + graceMs > now) return true;
        if (!missed || p.start > missed.start) missed = { occurrenceId: p.id, start: p.start };
        return false;
      });
      if (missed) {
        h.missed = missed;
        this.evaluate(clusterId, now);
      }
    }
  }

  private onPlayReports(rows: readonly PlayLogInsert[]): void {
    const touched = new Set<string>();
    for (const row of rows) {
      if (row.source !== 'schedule' || row.event === 'failed') continue;
      const start = row.occurrenceStart?.getTime() ?? row.occurredAt.getTime();
      const h =
        this.clusters.get(row.clusterId) ??
        (this.fleet.has(row.clusterId) ? this.health(row.clusterId) : null);
      if (!h || h.started.has(row.ref)) continue;
      h.started.set(row.ref, start);
      if (h.pending.length > 0) h.pending = h.pending.filter((p) => p.id !== row.ref);
      // Played after all (a late report), or playing again since: no longer missing broadcasts.
      if (h.missed && (h.missed.occurrenceId === row.ref || start > h.missed.start)) {
        h.missed = null;
        touched.add(row.clusterId);
      }
    }
    for (const id of touched) this.evaluate(id);
  }

  private pruneStarted(now: number): void {
    for (const h of this.clusters.values())
      for (const [id, start] of h.started) if (start < now - STARTED_KEEP_MS) h.started.delete(id);
  }

  /** Thresholds changed under a unit: judge its clusters again. */
  private rejudge(unitPath: string | null): void {
    for (const id of this.knownClusters()) {
      const place = this.directory.get(id);
      if (
        !unitPath ||
        (place && (place.communePath === unitPath || place.communePath.startsWith(`${unitPath}/`)))
      )
        this.evaluate(id);
    }
  }

  /** The cluster left service (deleted, replaced, decommissioned): its alerts resolve. */
  private retire(clusterId: string, now = Date.now()): void {
    const h = this.clusters.get(clusterId);
    if (!h) return;
    for (const [rule, state] of h.rules) {
      if (state.tracker.alerted)
        this.store.push({ type: 'resolve', clusterId, rule, clearedAt: now, at: now });
    }
    this.clusters.delete(clusterId);
  }

  private knownClusters(): string[] {
    return [...new Set([...this.clusters.keys(), ...this.fleet.ids()])];
  }

  private health(clusterId: string): ClusterHealth {
    let h = this.clusters.get(clusterId);
    if (!h) {
      h = { rules: new Map(), pending: [], started: new Map(), missed: null };
      this.clusters.set(clusterId, h);
    }
    return h;
  }
}
