import { Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module';
import { LiveController } from './live.controller';
import { LiveIngestServer } from './live-ingest.server';
import { LiveSessionsRepository } from './live-sessions.repository';
import { LiveStreamController } from './live-stream.controller';
import { LiveUrlSigner } from './live-url-signer';
import { LiveService } from './live.service';

/**
 * Live broadcasts: sessions API, WebSocket and Icecast ingest on the API's port, one ffmpeg per session, the
 * relay of its MP3 to every listening cluster, and the recording into the media library. The rollout to the
 * clusters is LIVE_ROLLOUT, provided by the (global) broadcasts module.
 */
@Module({
  imports: [MediaModule],
  controllers: [LiveController, LiveStreamController],
  providers: [LiveSessionsRepository, LiveUrlSigner, LiveService, LiveIngestServer],
})
export class LiveModule {}
