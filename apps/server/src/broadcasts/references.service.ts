import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../access/scope';
import { validationFailed } from '../common/validation';
import { MediaService } from '../media/media.service';
import type { UsableAsset } from '../media/media.service';

/**
 * Checks the media and programs a request body names: an unknown id is a field error (400), one that exists
 * outside the caller's reach is refused (403) — never silently accepted.
 */
@Injectable()
export class References {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly media: MediaService,
  ) {}

  async assets(principal: Principal, ids: string[], field: string): Promise<Map<string, UsableAsset>> {
    try {
      return await this.media.findUsable(principal, ids);
    } catch (err) {
      if (!(err instanceof NotFoundException)) throw err;
      const existing = await this.media.describe(ids);
      const unknown = ids.filter((id) => !existing.has(id));
      if (unknown.length > 0)
        throw validationFailed([
          { field, rule: 'exists', message: `${field}: ${unknown.join(', ')} is not a known media asset` },
        ]);
      throw new ForbiddenException(`${field}: a media asset it names is outside your scope`);
    }
  }

  /** A program the caller may use, or the right refusal. */
  async program<T>(find: () => Promise<T>, id: string, field: string): Promise<T> {
    try {
      return await find();
    } catch (err) {
      if (!(err instanceof NotFoundException)) throw err;
      const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM program WHERE id = $1`, [id]);
      if (rows.length === 0)
        throw validationFailed([
          { field, rule: 'exists', message: `${field}: ${id} is not a known program` },
        ]);
      throw new ForbiddenException(`${field}: program ${id} is outside your scope`);
    }
  }
}
