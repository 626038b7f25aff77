import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import { validationFailed } from '../common/validation';
import { AuditLogRepository } from './audit-log.repository';
import { AuditEntryView, AuditPage, AuditQuery } from './audit.dto';
import { csvLine } from './csv';

const CSV_COLUMNS = [
  'id',
  'at',
  'actorKind',
  'actorId',
  'actorName',
  'ip',
  'requestId',
  'action',
  'objectType',
  'objectId',
  'changes',
  'detail',
] as const;

/** The audit log, read-only: there is no route that edits or deletes an entry. */
@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly log: AuditLogRepository) {}

  @Get()
  @RequirePermission('audit.read')
  @ApiOperation({
    summary: 'Who changed what, when and from where, inside my scope; newest first; format=csv exports all',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: AuditPage })
  @ApiNotFoundResponse({ description: 'unitId is not inside my scope' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: AuditQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AuditPage | void> {
    if (query.from && query.to && query.from >= query.to)
      throw validationFailed([{ field: 'from', rule: 'beforeTo', message: 'from must be before to' }]);
    const unitPath = query.unitId ? await this.log.unitPath(principal.scope, query.unitId) : null;
    if (query.format !== 'csv') {
      const [rows, total] = await this.log.page(principal.scope, query, unitPath);
      return { items: rows.map(AuditEntryView.from), total, page: query.page, pageSize: query.pageSize };
    }
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
    );
    // A BOM so spreadsheet programs read the Vietnamese text as UTF-8.
    res.write(`\uFEFF${csvLine([...CSV_COLUMNS])}`);
    try {
      for await (const rows of this.log.all(principal.scope, query, unitPath)) {
        const text = rows
          .map((row) => {
            const v = AuditEntryView.from(row);
            return csvLine([
              v.id,
              v.at.toISOString(),
              v.actorKind,
              v.actorId,
              v.actorName,
              v.ip,
              v.requestId,
              v.action,
              v.objectType,
              v.objectId,
              v.changes ? JSON.stringify(v.changes) : null,
              v.detail ? JSON.stringify(v.detail) : null,
            ]);
          })
          .join('');
        if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve));
      }
    } catch (err) {
      // Headers are gone: the best we can do is cut the download short so it cannot pass for complete.
      res.destroy(err as Error);
      throw new BadRequestException('export failed');
    }
    res.end();
  }
}
