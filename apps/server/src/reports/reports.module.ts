import { Module } from '@nestjs/common';
import { AvailabilityController } from './availability.controller';
import { AvailabilityRepository } from './availability.repository';
import { AvailabilityService } from './availability.service';
import { ProvinceReportRepository } from './province-report.repository';
import { ProvinceReportService } from './province-report.service';
import { ReportJobs } from './report-jobs.service';
import { ReportUnits } from './report-units.service';
import { ReportsController } from './reports.controller';

/**
 * Availability (uptime, broadcast success, MTTR) and the provincial report (XLSX / CSV / JSON feed, direct or
 * as a job). The scheduled side comes from SCHEDULED_TIME, provided globally by the broadcasts module.
 */
@Module({
  controllers: [AvailabilityController, ReportsController],
  providers: [
    AvailabilityRepository,
    AvailabilityService,
    ProvinceReportRepository,
    ProvinceReportService,
    ReportJobs,
    ReportUnits,
  ],
})
export class ReportsModule {}
