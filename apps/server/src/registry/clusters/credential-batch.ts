import { createHash, randomBytes } from 'node:crypto';

/**
 * Secrets for many clusters at once (CSV import), written with one multi-row INSERT instead of one upsert per
 * cluster. Same format as CredentialsService.issue(): 256 random bits in base64url, stored as SHA-256 hex, so
 * CredentialsService.verify() accepts them (it reads the row on a cache miss). If issue() ever changes its
 * format, this must follow — the CSV import test connects with an imported credential to catch a drift.
 */
export function newSecret(): { secret: string; sha256: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, sha256: createHash('sha256').update(secret, 'utf8').digest('hex') };
}
