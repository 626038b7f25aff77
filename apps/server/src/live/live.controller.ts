import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import type { Page } from '../common/pagination';
import { CreateLiveDto, CreatedLiveView, LivePage, LiveQuery, LiveSessionView } from './live.dto';
import { LiveService } from './live.service';

@ApiTags('live')
@Controller('api/v1/live')
export class LiveController {
  constructor(private readonly live: LiveService) {}

  @Post()
  @RequirePermission('live.broadcast')
  @ApiOperation({
    summary: 'Open a live session: returns where to send audio and the ingest password (shown only here)',
    description:
      'The session waits for a source: a browser WebSocket at `websocketUrl` (binary MediaRecorder chunks, ' +
      'audio/webm;codecs=opus by default, `?type=audio/ogg` for Ogg/Opus; authorised by the session cookie, a ' +
      'bearer token or `?password=`), or an Icecast encoder (BUTT, Mixxx, ffmpeg: `PUT` or legacy `SOURCE` ' +
      'to the mount, Basic auth user `source` with the password; MP3, Ogg, WebM, AAC, FLAC or WAV). The ' +
      'first audio starts the rollout: every target cluster gets play_now with its own signed stream URL ' +
      '(`GET /live/{sessionId}/{clusterId}.mp3`). A source that drops may reconnect within 5 s.',
  })
  @ApiCreatedResponse({ type: CreatedLiveView })
  @ApiBadRequestResponse({ description: 'Invalid field, or a target that names nothing or unknown ids' })
  @ApiServiceUnavailableResponse({ description: 'Live rollout is not available on this server' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateLiveDto,
    @Req() req: Request,
  ): Promise<CreatedLiveView> {
    return this.live.create(principal, dto, `${req.protocol}://${req.headers.host ?? 'localhost'}`);
  }

  @Get()
  @RequirePermission('schedules.read')
  @ApiOperation({ summary: 'Live sessions in your scope, newest first, paged' })
  @ApiOkResponse({ type: LivePage })
  list(@CurrentPrincipal() principal: Principal, @Query() query: LiveQuery): Promise<Page<LiveSessionView>> {
    return this.live.list(principal, query);
  }

  @Get(':id')
  @RequirePermission('schedules.read')
  @ApiOperation({
    summary: 'One live session: status, listeners now, bytes in and out, rollout and recording',
  })
  @ApiOkResponse({ type: LiveSessionView })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<LiveSessionView> {
    return this.live.get(principal, id);
  }

  @Post(':id/stop')
  @RequirePermission('live.broadcast')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'End a live session: the source is dropped, clusters get stop, listeners end, the recording goes to the media library',
  })
  @ApiOkResponse({ type: LiveSessionView })
  @ApiNotFoundResponse()
  stop(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<LiveSessionView> {
    return this.live.stop(principal, id);
  }

  @Delete(':id')
  @RequirePermission('live.broadcast')
  @ApiOperation({ summary: 'The same as POST /api/v1/live/{id}/stop' })
  @ApiOkResponse({ type: LiveSessionView })
  @ApiNotFoundResponse()
  remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<LiveSessionView> {
    return this.live.stop(principal, id);
  }
}
