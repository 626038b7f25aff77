import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKey } from '@loa-xa/persistence';

const WRITE_EVERY_MS = 60_000;

/** Records when an API key was last used (to the minute): a write per minute per key, off the request path. */
@Injectable()
export class ApiKeysUsage {
  private readonly logger = new Logger('ApiKeys');
  private readonly written = new Map<string, number>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  used(id: string, ip: string | null): void {
    const now = Date.now();
    if (now - (this.written.get(id) ?? 0) < WRITE_EVERY_MS) return;
    this.written.set(id, now);
    this.dataSource
      .getRepository(ApiKey)
      .update({ id }, { lastUsedAt: new Date(now), lastUsedIp: ip?.slice(0, 64) ?? null })
      .catch((err: unknown) => this.logger.warn({ err, id }, 'could not record API key use'));
  }
}
