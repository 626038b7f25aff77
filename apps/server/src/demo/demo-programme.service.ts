import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { utcToLocal } from '@loa-xa/schedule';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { SYSTEM } from '../access/scope';
import { MediaService } from '../media/media.service';
import { resolveFfmpegBinaries } from '../media/ffmpeg-binaries';
import { SchedulesService } from '../broadcasts/schedules.service';

const TITLE = 'Phát thử mỗi 15 phút (demo)';

/**
 * Something for the demo fleet to play: on the first start, a short chime generated with ffmpeg and a
 * schedule playing it every 15 minutes to the demo commune, so manifests, downloads and play logs have
 * content. Skipped quietly when ffmpeg is missing.
 */
@Injectable()
export class DemoProgrammeService {
  private readonly logger = new Logger('DemoProgramme');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly media: MediaService,
    private readonly schedules: SchedulesService,
  ) {}

  async ensure(communeId: string): Promise<void> {
    const existing: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM schedule WHERE title = $1 LIMIT 1`,
      [TITLE],
    );
    if (existing.length > 0) return;
    const dir = await mkdtemp(join(tmpdir(), 'loa-demo-'));
    try {
      const file = join(dir, 'chime.mp3');
      const { ffmpeg } = resolveFfmpegBinaries(this.config);
      // Two tones then silence: an 8-second station chime.
      await promisify(execFile)(ffmpeg, [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        "aevalsrc=exprs='0.6*sin(2*PI*if(lt(t\\,1.5)\\,660\\,880)*t)*lt(t\\,3.5)':d=8:s=44100",
        '-c:a',
        'libmp3lame',
        file,
      ]);
      const asset = await this.media.importFile(SYSTEM, file, {
        title: 'Nhạc hiệu (demo)',
        unitId: communeId,
        origin: 'upload',
      });
      // Probed on import, so its duration is known; transcoding goes on in the background.
      const next = Math.ceil((Date.now() + 60_000) / 900_000) * 900_000;
      await this.schedules.create(SYSTEM, {
        title: TITLE,
        assetId: asset.id,
        target: { unitIds: [communeId] },
        start: utcToLocal(next, this.config.timeZone).slice(0, 16),
        rrule: 'FREQ=HOURLY;BYMINUTE=0,15,30,45',
        priority: 'routine',
        volume: 60,
      });
      this.logger.log(`demo programme: "${TITLE}" scheduled for the demo commune`);
    } catch (err) {
      this.logger.warn({ err }, 'no demo programme (ffmpeg or media unavailable)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
