import { Controller, Get, Head, Param, Req, Res } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPartialContentResponse,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../access/access.decorators';
import { MediaDelivery } from './media-delivery.service';

const binary = { type: 'string', format: 'binary' } as const;

/**
 * The signed device URL, documented here. Requests are normally answered by the same code mounted directly on
 * Express ahead of the middleware (see MediaDelivery); these handlers serve it if that mount is absent.
 */
@ApiTags('media')
@Controller('media/r')
export class MediaDeliveryController {
  constructor(private readonly delivery: MediaDelivery) {}

  @Get(':renditionId')
  @Public()
  @ApiOperation({
    summary: 'A rendition, by signed expiring URL (devices; the signature is the authorisation)',
    description:
      'URLs come in manifests and play_now commands. Range requests (one range), If-Range and If-None-Match are ' +
      'supported; the ETag is the SHA-256 of the file, which never changes.',
  })
  @ApiParam({ name: 'renditionId', format: 'uuid' })
  @ApiQuery({ name: 'exp', description: 'Expiry, epoch seconds', example: 1795500000 })
  @ApiQuery({ name: 'sig', description: 'base64url HMAC-SHA256 of "<renditionId>.<exp>"' })
  @ApiHeader({
    name: 'Range',
    required: false,
    description: 'One range, e.g. bytes=0-1023, bytes=1000- or bytes=-100',
  })
  @ApiHeader({
    name: 'If-Range',
    required: false,
    description: 'The ETag; when it differs the whole file is sent',
  })
  @ApiProduces('audio/mpeg')
  @ApiOkResponse({ description: 'The whole file', schema: binary })
  @ApiPartialContentResponse({ description: 'The requested range (Content-Range)', schema: binary })
  @ApiResponse({ status: 304, description: 'If-None-Match matched' })
  @ApiForbiddenResponse({ description: 'Expired or invalid signature' })
  @ApiNotFoundResponse({ description: 'No such rendition' })
  @ApiResponse({ status: 416, description: 'The range lies outside the file' })
  get(@Req() req: Request, @Res() res: Response, @Param('renditionId') id: string): Promise<void> {
    return this.delivery.serveSigned(req, res, id);
  }

  @Head(':renditionId')
  @Public()
  @ApiOperation({ summary: 'Headers of a rendition by signed URL (size, ETag) without the body' })
  @ApiParam({ name: 'renditionId', format: 'uuid' })
  @ApiQuery({ name: 'exp', description: 'Expiry, epoch seconds' })
  @ApiQuery({ name: 'sig', description: 'base64url HMAC-SHA256 of "<renditionId>.<exp>"' })
  @ApiOkResponse({ description: 'Headers only' })
  @ApiForbiddenResponse({ description: 'Expired or invalid signature' })
  @ApiNotFoundResponse({ description: 'No such rendition' })
  head(@Req() req: Request, @Res() res: Response, @Param('renditionId') id: string): Promise<void> {
    return this.delivery.serveSigned(req, res, id);
  }
}
