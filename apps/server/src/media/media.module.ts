import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { resolveFfmpegBinaries } from './ffmpeg-binaries';
import { LocalDiskStorage, MEDIA_STORAGE } from './media-storage';
import { MediaController } from './media.controller';
import { MediaDeliveryController } from './media-delivery.controller';
import { MediaDelivery } from './media-delivery.service';
import { MediaMetrics } from './media-metrics';
import { MediaRepository } from './media.repository';
import { MediaService } from './media.service';
import { MediaUrlSigner } from './media-url-signer';
import { MediaUsageRegistry } from './media-usage.registry';
import { FFMPEG_BINARIES, TranscoderService } from './transcoder.service';

/**
 * The media library: uploads, transcoding to the device profiles with loudness normalisation, storage and
 * delivery by signed URL. Other modules use MediaService (findUsable, deviceFiles, importFile,
 * onStatusChange), MediaUrlSigner and MediaUsageRegistry.
 */
@Module({
  controllers: [MediaController, MediaDeliveryController],
  providers: [
    {
      provide: MEDIA_STORAGE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new LocalDiskStorage(config.mediaDir!),
    },
    {
      provide: FFMPEG_BINARIES,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => resolveFfmpegBinaries(config),
    },
    MediaMetrics,
    MediaRepository,
    MediaUrlSigner,
    MediaUsageRegistry,
    MediaDelivery,
    TranscoderService,
    MediaService,
  ],
  exports: [MediaService, MediaUrlSigner, MediaUsageRegistry],
})
export class MediaModule {}
