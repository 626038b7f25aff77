import { Injectable } from '@nestjs/common';

/** Tells whether something still needs an asset: human-readable uses, none when it is free to delete. */
export type MediaUsageChecker = (assetId: string) => Promise<string[]>;

/**
 * Where other modules (schedules, programmes) say what uses an asset, so that deleting one in use is refused
 * with the list of its uses. The media module does not know those modules.
 */
@Injectable()
export class MediaUsageRegistry {
  private readonly checkers = new Set<MediaUsageChecker>();

  /** Adds a checker; the returned function removes it. */
  register(checker: MediaUsageChecker): () => void {
    this.checkers.add(checker);
    return () => this.checkers.delete(checker);
  }

  /** Every use reported by every checker. */
  async usesOf(assetId: string): Promise<string[]> {
    const results = await Promise.all([...this.checkers].map((check) => check(assetId)));
    return results.flat();
  }
}
