import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import {
  ProvinceReportJobDto,
  ProvinceReportQuery,
  ProvinceReportView,
  ReportJobView,
} from './province-report.dto';
import { ProvinceReportService } from './province-report.service';
import { ReportJobs } from './report-jobs.service';
import { CONTENT_TYPES, renderReport, reportFilename } from './report-render';
import { attachment } from './stream-out';

const FILE_TYPES = [
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/csv',
  'application/json',
];

/** The provincial report (by district and commune) as XLSX, CSV or the JSON feed; directly or as a job. */
@ApiTags('reports')
@Controller('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly reports: ProvinceReportService,
    private readonly jobs: ReportJobs,
  ) {}

  @Get('province')
  @RequirePermission('reports.read')
  @ApiOperation({
    summary:
      'Provincial report for local days from–to (to inclusive) of a province, district or commune in my scope, by district and commune: stations, clusters by kind and state, work commissioned, villages covered, broadcast hours, availability, open alerts, spending by programme. xlsx (appendix layout, Vietnamese), csv (UTF-8 with BOM) or json (the feed for the provincial source-information system, schema loa-xa/province-report/v1)',
  })
  @ApiProduces(...FILE_TYPES)
  @ApiOkResponse({ type: ProvinceReportView, description: 'format=json; the same figures as xlsx and csv' })
  @ApiBadRequestResponse({ description: 'Invalid or too long period, unit or format (the field is named)' })
  @ApiNotFoundResponse({ description: 'unit is not in my scope' })
  async province(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ProvinceReportQuery,
    @Res() res: Response,
  ): Promise<void> {
    const report = await this.reports.build(principal, query);
    const format = query.format ?? 'xlsx';
    res.status(200);
    res.setHeader('Content-Type', CONTENT_TYPES[format]);
    res.setHeader('Content-Disposition', attachment(reportFilename(report, format)));
    try {
      await renderReport(report, format, res);
    } catch (err) {
      // Headers are gone: cut the download short so it cannot pass for complete.
      res.destroy(err as Error);
    }
  }

  @Post('province/jobs')
  @HttpCode(202)
  @RequirePermission('reports.read')
  @ApiOperation({
    summary:
      'Starts building a provincial report in the background; follow it at GET /reports/jobs/{id} and download it when done (kept one hour, for me and my scope)',
  })
  @ApiAcceptedResponse({ type: ReportJobView })
  @ApiBadRequestResponse({ description: 'Invalid or too long period, unit or format (the field is named)' })
  @ApiNotFoundResponse({ description: 'unit is not in my scope' })
  async start(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ProvinceReportJobDto,
  ): Promise<ReportJobView> {
    const job = await this.jobs.submit(principal, body, body.format ?? 'xlsx');
    return ReportJobView.from(job);
  }

  @Get('jobs/:id')
  @RequirePermission('reports.read')
  @ApiOperation({ summary: 'State and progress of a report job' })
  @ApiOkResponse({ type: ReportJobView })
  @ApiNotFoundResponse({ description: 'No such job of mine or my scope (or it expired)' })
  job(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): ReportJobView {
    return ReportJobView.from(this.jobs.get(principal, id));
  }

  @Get('jobs/:id/download')
  @RequirePermission('reports.read')
  @ApiOperation({ summary: 'The finished file of a report job' })
  @ApiProduces(...FILE_TYPES)
  @ApiOkResponse({ description: 'The report file' })
  @ApiNotFoundResponse({ description: 'No such job of mine or my scope (or it expired)' })
  @ApiConflictResponse({ description: 'The job is not done (yet)' })
  download(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Res() res: Response,
  ): void {
    const job = this.jobs.get(principal, id);
    if (!job.file) throw new ConflictException(`report job ${job.id} is ${job.state}, not done`);
    res.status(200);
    res.setHeader('Content-Type', job.file.contentType);
    res.setHeader('Content-Disposition', attachment(job.file.filename));
    res.setHeader('Content-Length', String(job.file.body.length));
    res.end(job.file.body);
  }
}
