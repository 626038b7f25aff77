import { Injectable, Logger, NotFoundException, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Principal } from '../access/scope';
import type { ReportFormat } from './province-report.model';
import { ProvinceReportService, type ProvinceReportRequest } from './province-report.service';
import { CONTENT_TYPES, renderReport, reportFilename } from './report-render';

export const REPORT_JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type ReportJobState = (typeof REPORT_JOB_STATES)[number];

/** How long a finished report can be downloaded, and how many jobs are kept at most. */
export const REPORT_JOB_TTL_MS = 60 * 60_000;
export const MAX_REPORT_JOBS = 50;
/** Builds run one at a time: a report reads the whole subtree, two at once would only slow both. */
const CONCURRENCY = 1;

export interface ReportJob {
  id: string;
  state: ReportJobState;
  progress: number;
  stage: string;
  error: string | null;
  format: ReportFormat;
  request: ProvinceReportRequest;
  createdAt: Date;
  finishedAt: Date | null;
  /** Who may read it: its creator, and principals of the same scope. */
  owner: { kind: string; id: string; scopeUnitId: string | null };
  file: { body: Buffer; contentType: string; filename: string } | null;
}

/**
 * Report builds in the background with their progress, the finished files held in memory for a while.
 * Per process: on several replicas a job is read from the replica that runs it.
 */
@Injectable()
export class ReportJobs implements OnModuleDestroy {
  private readonly logger = new Logger('ReportJobs');
  private readonly jobs = new Map<string, ReportJob>();
  private readonly waiting: { job: ReportJob; principal: Principal }[] = [];
  private running = 0;
  private closed = false;

  constructor(private readonly reports: ProvinceReportService) {}

  onModuleDestroy(): void {
    this.closed = true;
  }

  /** Checks the request at once (400/404 before any 202), then queues the build. */
  async submit(
    principal: Principal,
    request: ProvinceReportRequest,
    format: ReportFormat,
  ): Promise<ReportJob> {
    const unit = await this.reports.resolve(principal, request);
    this.prune();
    const job: ReportJob = {
      id: randomUUID(),
      state: 'queued',
      progress: 0,
      stage: 'queued',
      error: null,
      format,
      request: { ...request, unit: unit.id },
      createdAt: new Date(),
      finishedAt: null,
      owner: { kind: principal.kind, id: principal.id, scopeUnitId: principal.scope?.unitId ?? null },
      file: null,
    };
    this.jobs.set(job.id, job);
    this.waiting.push({ job, principal });
    this.pump();
    return job;
  }

  /** A job the principal may read, else 404 (someone else's job is not acknowledged to exist). */
  get(principal: Principal, id: string): ReportJob {
    const job = this.jobs.get(id);
    const mine =
      job &&
      ((job.owner.kind === principal.kind && job.owner.id === principal.id) ||
        job.owner.scopeUnitId === (principal.scope?.unitId ?? null));
    if (!job || !mine || this.expired(job)) throw new NotFoundException(`report job ${id} not found`);
    return job;
  }

  private pump(): void {
    while (!this.closed && this.running < CONCURRENCY && this.waiting.length > 0) {
      const next = this.waiting.shift() as { job: ReportJob; principal: Principal };
      this.running++;
      void this.run(next.job, next.principal).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(job: ReportJob, principal: Principal): Promise<void> {
    job.state = 'running';
    job.stage = 'starting';
    try {
      const report = await this.reports.build(principal, job.request, (stage, progress) => {
        job.stage = stage;
        job.progress = Math.max(job.progress, Math.min(progress, 0.99));
      });
      job.stage = 'writing';
      const sink = new PassThrough();
      const chunks: Buffer[] = [];
      sink.on('data', (chunk: Buffer) => chunks.push(chunk));
      await renderReport(report, job.format, sink);
      job.file = {
        body: Buffer.concat(chunks),
        contentType: CONTENT_TYPES[job.format],
        filename: reportFilename(report, job.format),
      };
      job.state = 'done';
      job.stage = 'done';
      job.progress = 1;
    } catch (err) {
      this.logger.error({ err, jobId: job.id }, 'report build failed');
      job.state = 'failed';
      job.stage = 'failed';
      job.error = err instanceof Error ? err.message : String(err);
    }
    job.finishedAt = new Date();
  }

  private expired(job: ReportJob): boolean {
    return job.finishedAt !== null && Date.now() - job.finishedAt.getTime() > REPORT_JOB_TTL_MS;
  }

  /** Drops expired jobs, and the oldest finished ones beyond MAX_REPORT_JOBS. */
  private prune(): void {
    for (const [id, job] of this.jobs) if (this.expired(job)) this.jobs.delete(id);
    const finished = [...this.jobs.values()].filter((j) => j.finishedAt !== null);
    for (const job of finished.slice(0, Math.max(0, this.jobs.size - MAX_REPORT_JOBS + 1)))
      this.jobs.delete(job.id);
  }
}
