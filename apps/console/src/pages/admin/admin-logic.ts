/*
 * Rules the user and API-key forms follow, mirrored from the server's GrantPolicy so the form only offers
 * what the server will accept (the server still decides). No DOM here, so it is unit-tested.
 */

export const ROLES = [
  'admin',
  'province_admin',
  'district_technician',
  'commune_operator',
  'viewer',
] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = {
  admin: 4,
  province_admin: 3,
  district_technician: 2,
  commune_operator: 1,
  viewer: 0,
};

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** May someone with `granter` give the role `granted`? Only an admin makes an admin. */
export function canGrant(granter: string, granted: string): boolean {
  if (!isRole(granter) || !isRole(granted)) return false;
  if (granted === 'admin') return granter === 'admin';
  return RANK[granted] <= RANK[granter];
}

/** The roles `granter` may hand out, highest first. */
export function grantableRoles(granter: string): Role[] {
  return ROLES.filter((r) => canGrant(granter, r));
}

/** Administrators have no scope; every other role needs a province, district or commune. */
export const needsScope = (role: string) => role !== 'admin';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A password someone can read aloud or copy from a screen: 4 groups of 4 characters without look-alikes
 * (0/O, 1/l/I), e.g. `k7Qm-4xPa-...` — 19 characters, ~90 bits. `random` fills a byte array.
 */
export function generatePassword(random: (bytes: Uint8Array) => Uint8Array): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    while (group.length < 4) {
      const [byte] = random(new Uint8Array(1));
      // Rejection sampling keeps every character equally likely.
      if (byte < 256 - (256 % ALPHABET.length)) group += ALPHABET[byte % ALPHABET.length];
    }
    groups.push(group);
  }
  return groups.join('-');
}

/** Mirrors the server's passwordProblem so the form can say it before sending. */
export function passwordProblem(password: string, username: string): PasswordProblem | null {
  if (password.length < 10) return 'tooShort';
  if (password.length > 200) return 'tooLong';
  if (username && password.toLowerCase().includes(username.toLowerCase())) return 'containsUsername';
  if (new Set(password).size < 4) return 'repetitive';
  return null;
}
export type PasswordProblem = 'tooShort' | 'tooLong' | 'containsUsername' | 'repetitive';

/** Words the forms have for the server's field errors (else they show the server's own message). */
export type FieldErrorKey =
  | 'errUsernameFormat'
  | 'errUsernameTaken'
  | 'errDisplayName'
  | 'errPhone'
  | 'errEmail'
  | 'errScopeRequired'
  | 'errScopeLevel'
  | 'errScopeAdmin'
  | 'errScopeOutside'
  | 'errPwTooShort'
  | 'errPwTooLong'
  | 'errPwContainsUsername'
  | 'errPwRepetitive'
  | 'errCurrentPassword'
  | 'errName'
  | 'errExpires';

const PASSWORD_KEYS: Record<PasswordProblem, FieldErrorKey> = {
  tooShort: 'errPwTooShort',
  tooLong: 'errPwTooLong',
  containsUsername: 'errPwContainsUsername',
  repetitive: 'errPwRepetitive',
};

export const passwordProblemKey = (problem: PasswordProblem): FieldErrorKey => PASSWORD_KEYS[problem];

/** Which of our messages fits a field error the server gave (`rule` as in its 400 body). */
export function fieldErrorKey(field: string, rule: string, message: string): FieldErrorKey | null {
  switch (field) {
    case 'username':
      return 'errUsernameFormat';
    case 'displayName':
      return 'errDisplayName';
    case 'phone':
      return 'errPhone';
    case 'email':
      return 'errEmail';
    case 'name':
      return 'errName';
    case 'expiresAt':
      return 'errExpires';
    case 'scopeUnitId':
      if (rule === 'required') return 'errScopeRequired';
      if (rule === 'adminUnscoped') return 'errScopeAdmin';
      if (rule === 'scopeLevel') return 'errScopeLevel';
      return null;
    case 'currentPassword':
      return 'errCurrentPassword';
    case 'password':
    case 'newPassword':
      if (/at least/.test(message)) return 'errPwTooShort';
      if (/at most/.test(message)) return 'errPwTooLong';
      if (/username/.test(message)) return 'errPwContainsUsername';
      if (/repetitive/.test(message)) return 'errPwRepetitive';
      return null;
    default:
      return null;
  }
}

/** Errors a form shows next to its fields, from an API error's status, field list and message. */
export function formErrors(
  status: number,
  fields: { field: string; rule?: string; message: string }[],
  message: string,
): { fields: Record<string, { key: FieldErrorKey | null; message: string }>; general: string | null } {
  const out: Record<string, { key: FieldErrorKey | null; message: string }> = {};
  for (const f of fields) {
    const name = f.field.split('.')[0];
    if (!out[name]) out[name] = { key: fieldErrorKey(name, f.rule ?? '', f.message), message: f.message };
  }
  if (status === 409 && /username .* is taken/.test(message))
    out.username = { key: 'errUsernameTaken', message };
  if (status === 403 && /outside your scope/.test(message))
    out.scopeUnitId = { key: 'errScopeOutside', message };
  return { fields: out, general: Object.keys(out).length ? null : message };
}

export type KeyStatus = 'active' | 'revoked' | 'expired';

export function apiKeyStatus(
  key: { revokedAt: string | null; expiresAt: string | null },
  now = Date.now(),
): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

export type UserStatus = 'active' | 'locked' | 'disabled';

export function userStatus(
  user: { active: boolean; lockedUntil: string | null },
  now = Date.now(),
): UserStatus {
  if (!user.active) return 'disabled';
  if (user.lockedUntil && new Date(user.lockedUntil).getTime() > now) return 'locked';
  return 'active';
}
