import {
  Controller,
  ForbiddenException,
  Get,
  Param,
  ParseUUIDPipe,
  Query,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { Public } from '../access/access.decorators';
import { LiveService } from './live.service';
import { LiveUrlSigner } from './live-url-signer';

export class LiveStreamQuery {
  @ApiPropertyOptional({ description: 'Expiry, epoch seconds' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  exp?: string;

  @ApiPropertyOptional({ description: 'Signature (base64url HMAC-SHA256)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sig?: string;
}

@ApiTags('live')
@Controller('live')
export class LiveStreamController {
  constructor(
    private readonly live: LiveService,
    private readonly signer: LiveUrlSigner,
  ) {}

  @Get(':sessionId/:clusterId.mp3')
  @Public()
  @ApiOperation({
    summary: 'A cluster’s live stream: MP3 of the device profile, until the session ends',
    description:
      'The signed URL a cluster gets in play_now (the signature authorises it). Joining mid-session starts on a ' +
      'frame boundary with up to 1 s of backlog; a listener that does not keep up is disconnected.',
  })
  @ApiProduces('audio/mpeg')
  @ApiOkResponse({ description: 'Endless MP3 stream', schema: { type: 'string', format: 'binary' } })
  @ApiUnauthorizedResponse({ description: 'No exp/sig in the URL' })
  @ApiForbiddenResponse({ description: 'Signature invalid or expired' })
  @ApiGoneResponse({ description: 'The session is over or unknown' })
  @ApiServiceUnavailableResponse({ description: 'The session has no audio yet' })
  stream(
    @Param('sessionId', ParseUUIDPipe) sessionId: string,
    @Param('clusterId', ParseUUIDPipe) clusterId: string,
    @Query() query: LiveStreamQuery,
    @Res() res: Response,
  ): void {
    const check = this.signer.verify(sessionId, clusterId, query.exp, query.sig);
    if (check === 'missing') throw new UnauthorizedException('signed URL required (exp and sig)');
    if (check === 'invalid') throw new ForbiddenException('invalid stream URL signature');
    if (check === 'expired') throw new ForbiddenException('the stream URL has expired');
    // Checks before the first byte, so refusals are still HTTP errors.
    this.live.listen(
      sessionId,
      clusterId,
      {
        write: (chunk) => res.write(chunk),
        get writableLength() {
          return res.writableLength;
        },
        end: () => res.end(),
        destroy: () => res.destroy(),
        once: (event, listener) => res.once(event, listener),
      },
      () => {
        res.status(200);
        res.setHeader('Content-Type', 'audio/mpeg');
        res.setHeader('Cache-Control', 'no-cache, no-store');
        res.setHeader('Connection', 'close');
        // Plain bytes until the end, like an Icecast server: some players choke on chunked encoding.
        res.removeHeader('Transfer-Encoding');
        res.flushHeaders();
        res.socket?.setNoDelay(true);
      },
    );
  }
}
