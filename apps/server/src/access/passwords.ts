import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * Passwords of people: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), PHC strings.
 * Runs on libuv's thread pool, so logins do not block the event loop that serves devices.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash never lets anyone in
  }
}

/** Verified against when the username is unknown, so the answer takes as long as for a real account. */
let dummy: Promise<string> | null = null;
export async function burnVerify(password: string): Promise<void> {
  dummy ??= hashPassword('loa-xa-dummy-password');
  await verifyPassword(await dummy, password);
}

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/** Why a new password is refused, or null. Length matters more than character classes (NIST 800-63B). */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN) return `password must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `password must be at most ${PASSWORD_MAX} characters`;
  if (password.toLowerCase().includes(username.toLowerCase()))
    return 'password must not contain the username';
  if (new Set(password).size < 4) return 'password is too repetitive';
  return null;
}
