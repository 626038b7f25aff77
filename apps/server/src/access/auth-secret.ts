import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';

export const AUTH_SECRET_FILE = 'auth-secret';

/**
 * The key that signs access tokens: AUTH_SECRET, or (embedded) one generated once and kept in DATA_DIR so
 * logins survive a restart. A memory-only data dir gets a fresh key per start.
 */
export function resolveAuthSecret(config: AppConfig): string {
  if (config.authSecret) return config.authSecret;
  if (config.dataDir === ':memory:') return randomBytes(32).toString('base64url');
  const file = join(config.dataDir, AUTH_SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
