import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPartialContentResponse,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import type { Page } from '../common/pagination';
import {
  MediaAssetView,
  MediaInUseError,
  MediaPage,
  MediaQuery,
  MediaUploadForm,
  UpdateMediaDto,
} from './media.dto';
import { MediaService } from './media.service';

@ApiTags('media')
@Controller('api/v1/media')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Get()
  @RequirePermission('media.read')
  @ApiOperation({
    summary:
      'Media assets you may use, newest first: those of your scope and those shared by the units above it',
  })
  @ApiOkResponse({ type: MediaPage })
  list(@CurrentPrincipal() principal: Principal, @Query() query: MediaQuery): Promise<Page<MediaAssetView>> {
    return this.media.list(principal, query);
  }

  @Post()
  @RequirePermission('media.write')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Upload audio (multipart, field `file`); it is checked, stored and queued for transcoding',
    description:
      'The file is streamed to disk (MEDIA_MAX_UPLOAD_MB), sniffed, probed and decoded once: anything that is not ' +
      'decodable audio is refused with 422 and nothing is kept. The answer is the asset, status `processing`; ' +
      'poll GET /api/v1/media/{id} for progress until `ready` (or `failed`, with `failureReason`).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: MediaUploadForm })
  @ApiAcceptedResponse({ type: MediaAssetView })
  @ApiBadRequestResponse({ description: 'No file, two files, an unknown field, a bad title or unitId' })
  @ApiPayloadTooLargeResponse({ description: 'Larger than MEDIA_MAX_UPLOAD_MB' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Not multipart/form-data' })
  @ApiUnprocessableEntityResponse({
    description: 'The file is not decodable audio: `errors[0].message` says why',
  })
  upload(@CurrentPrincipal() principal: Principal, @Req() req: Request): Promise<MediaAssetView> {
    return this.media.upload(principal, req);
  }

  @Get(':id')
  @RequirePermission('media.read')
  @ApiOperation({ summary: 'One asset: status, progress, failure reason, probe, loudness, renditions' })
  @ApiOkResponse({ type: MediaAssetView })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<MediaAssetView> {
    return this.media.get(principal, id);
  }

  @Patch(':id')
  @RequirePermission('media.write')
  @ApiOperation({ summary: 'Rename an asset of your scope' })
  @ApiOkResponse({ type: MediaAssetView })
  @ApiBadRequestResponse({ description: 'Invalid title' })
  @ApiNotFoundResponse({ description: 'Unknown, or not of your scope (a shared asset cannot be changed)' })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateMediaDto,
  ): Promise<MediaAssetView> {
    return this.media.rename(principal, id, dto);
  }

  @Delete(':id')
  @RequirePermission('media.write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an asset of your scope and its files, unless something uses it' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ type: MediaInUseError, description: 'In use: `uses` lists by what' })
  @ApiNotFoundResponse({ description: 'Unknown, or not of your scope' })
  remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.media.remove(principal, id);
  }

  @Get(':id/file')
  @RequirePermission('media.read')
  @ApiOperation({
    summary:
      'Download the device rendition (first profile) of a ready asset; HTTP Range supported (also HEAD)',
  })
  @ApiProduces('audio/mpeg')
  @ApiHeader({ name: 'Range', required: false, description: 'One range, e.g. bytes=0-1023 or bytes=-100' })
  @ApiOkResponse({ description: 'The whole file', schema: { type: 'string', format: 'binary' } })
  @ApiPartialContentResponse({
    description: 'The requested range',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiResponse({ status: 304, description: 'If-None-Match matched the ETag (the SHA-256)' })
  @ApiResponse({ status: 416, description: 'The range lies outside the file' })
  @ApiConflictResponse({ description: 'Not transcoded (yet)' })
  @ApiNotFoundResponse()
  async download(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.media.download(principal, id, req, res);
  }
}
