import { Body, Controller, Headers, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import {
  CSV_COLUMNS,
  ClusterImportService,
  REQUIRED_COLUMNS,
  type UploadedCsv,
} from './cluster-import.service';
import { ClusterImportQuery, ClusterImportResult } from './cluster-import.dto';
import { CurrentPrincipal, RequirePermission } from '../../access/access.decorators';
import type { Principal } from '../../access/scope';

const COLUMNS_TEXT = `Columns (header row required, any order): ${CSV_COLUMNS.join(', ')}; required: ${REQUIRED_COLUMNS.join(', ')}.`;

@ApiTags('clusters')
@Controller('api/v1/clusters/import')
export class ClusterImportController {
  constructor(private readonly imports: ClusterImportService) {}

  @Post()
  @RequirePermission('clusters.write')
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Register clusters from a CSV file (UTF-8; a BOM and Windows line ends are fine)',
    description:
      `${COLUMNS_TEXT} commune_code is the GSO code of a commune of the era in the era column (default pre_2025); ` +
      'village_code is the code of a village of that commune. Every row is checked; unless partial=true, one bad ' +
      'row means nothing is imported and every problem is listed by line and column. The MQTT passwords of the ' +
      'IP clusters are in the response only.',
    requestBody: {
      required: true,
      content: {
        'text/csv': {
          schema: { type: 'string', example: 'code,name,kind,commune_code\nLS-001,Cụm loa 1,ip,05971\n' },
        },
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary', description: 'The CSV file' } },
          },
        },
      },
    },
  })
  @ApiConsumes('text/csv', 'multipart/form-data')
  @ApiCreatedResponse({ type: ClusterImportResult })
  @ApiBadRequestResponse({ description: 'Unreadable CSV, unknown or missing columns, not UTF-8' })
  @ApiUnprocessableEntityResponse({
    description: 'Some rows are invalid: `errors` lists them, nothing was written',
  })
  @ApiConflictResponse({ description: 'A code was registered by someone else during the import' })
  @ApiPayloadTooLargeResponse({ description: 'Larger than CSV_LIMIT_BYTES' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Neither text/csv nor multipart/form-data' })
  import(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ClusterImportQuery,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @UploadedFile() file: UploadedCsv | undefined,
  ): Promise<ClusterImportResult> {
    return this.imports.importUpload(principal, { contentType, body, file }, query);
  }
}
