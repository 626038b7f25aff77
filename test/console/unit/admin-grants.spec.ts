import {
  apiKeyStatus,
  canGrant,
  fieldErrorKey,
  formErrors,
  generatePassword,
  grantableRoles,
  needsScope,
  passwordProblem,
  userStatus,
} from '../../../apps/console/src/pages/admin/admin-logic';
import { canGrant as serverCanGrant } from '../../../apps/server/src/access/permissions';
import { passwordProblem as serverPasswordProblem } from '../../../apps/server/src/access/passwords';
import { ROLES } from '@loa-xa/persistence';
import { randomFillSync } from 'node:crypto';

describe('user and key forms: what may be granted', () => {
  it('offers exactly the roles the server lets each role grant', () => {
    for (const granter of ROLES)
      for (const granted of ROLES)
        expect([granter, granted, canGrant(granter, granted)]).toEqual([
          granter,
          granted,
          serverCanGrant(granter, granted),
        ]);
    expect(grantableRoles('admin')).toEqual([
      'admin',
      'province_admin',
      'district_technician',
      'commune_operator',
      'viewer',
    ]);
    expect(grantableRoles('province_admin')).toEqual([
      'province_admin',
      'district_technician',
      'commune_operator',
      'viewer',
    ]);
    expect(grantableRoles('commune_operator')).toEqual(['commune_operator', 'viewer']);
    expect(grantableRoles('martian')).toEqual([]);
  });

  it('asks for a scope for every role but the administrator', () => {
    expect(ROLES.filter(needsScope)).toEqual([
      'province_admin',
      'district_technician',
      'commune_operator',
      'viewer',
    ]);
  });
});

describe('passwords', () => {
  it('generates readable passwords the server accepts', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const password = generatePassword((b) => randomFillSync(b));
      expect(password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{4}(-[a-km-zA-HJ-NP-Z2-9]{4}){3}$/);
      expect(serverPasswordProblem(password, 'nguyenvana')).toBeNull();
      seen.add(password);
    }
    expect(seen.size).toBe(200);
  });

  it('uses every character of its alphabet with a fair die (rejection sampling)', () => {
    let n = 0;
    // A "random" source counting up through every byte: bytes ≥ 224 (= 4 × 56) are skipped.
    const counting = (b: Uint8Array) => {
      b[0] = n++ % 256;
      return b;
    };
    const text = Array.from({ length: 16 }, () => generatePassword(counting).replace(/-/g, '')).join('');
    expect(new Set(text).size).toBe(56);
  });

  it('refuses what the server refuses, for the same reasons', () => {
    const cases: [string, string][] = [
      ['short', 'x'],
      ['a'.repeat(201), 'x'],
      ['nguyenvana-2025', 'nguyenvana'],
      ['aaaaabbbbbbaaaa', 'x'],
      ['Loa-xa-2025-moi', 'x'],
    ];
    for (const [password, username] of cases)
      expect(passwordProblem(password, username) === null).toBe(
        serverPasswordProblem(password, username) === null,
      );
    expect(passwordProblem('short', 'x')).toBe('tooShort');
    expect(passwordProblem('nguyenvana-2025', 'nguyenvana')).toBe('containsUsername');
    expect(passwordProblem('aaaaabbbbbbaaaa', 'x')).toBe('repetitive');
  });
});

describe('server refusals in the form', () => {
  it('maps the server’s field errors to the form’s words', () => {
    expect(fieldErrorKey('username', 'matches', 'username must be 2-64 …')).toBe('errUsernameFormat');
    expect(fieldErrorKey('scopeUnitId', 'required', '')).toBe('errScopeRequired');
    expect(fieldErrorKey('scopeUnitId', 'scopeLevel', '')).toBe('errScopeLevel');
    expect(fieldErrorKey('scopeUnitId', 'isUuid', '')).toBeNull();
    expect(fieldErrorKey('password', 'strength', 'password must be at least 10 characters')).toBe(
      'errPwTooShort',
    );
    expect(
      fieldErrorKey('newPassword', 'strength', 'newPassword: password must not contain the username'),
    ).toBe('errPwContainsUsername');
    expect(fieldErrorKey('currentPassword', 'matches', 'currentPassword is wrong')).toBe(
      'errCurrentPassword',
    );
  });

  it('puts a taken username and a scope outside mine next to their fields', () => {
    expect(formErrors(409, [], 'the username opx is taken')).toEqual({
      fields: { username: { key: 'errUsernameTaken', message: 'the username opx is taken' } },
      general: null,
    });
    expect(
      formErrors(403, [], 'Huyện Cao Lộc is outside your scope (Thành phố Lạng Sơn)').fields.scopeUnitId?.key,
    ).toBe('errScopeOutside');
    expect(formErrors(403, [], 'role viewer may not grant the role admin')).toEqual({
      fields: {},
      general: 'role viewer may not grant the role admin',
    });
    expect(
      formErrors(400, [{ field: 'email', rule: 'isEmail', message: 'email must be an email address' }], 'x')
        .fields,
    ).toEqual({ email: { key: 'errEmail', message: 'email must be an email address' } });
  });
});

describe('states in words', () => {
  const now = Date.parse('2025-06-01T00:00:00Z');
  it('tells active, locked and disabled accounts apart', () => {
    expect(userStatus({ active: true, lockedUntil: null }, now)).toBe('active');
    expect(userStatus({ active: true, lockedUntil: '2025-06-01T00:05:00Z' }, now)).toBe('locked');
    expect(userStatus({ active: true, lockedUntil: '2025-05-31T23:00:00Z' }, now)).toBe('active');
    expect(userStatus({ active: false, lockedUntil: '2025-06-01T00:05:00Z' }, now)).toBe('disabled');
  });

  it('tells keys in use, revoked and expired apart', () => {
    expect(apiKeyStatus({ revokedAt: null, expiresAt: null }, now)).toBe('active');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: '2025-05-31T17:00:00Z' }, now)).toBe('expired');
    expect(apiKeyStatus({ revokedAt: '2025-05-01T00:00:00Z', expiresAt: '2025-05-31T17:00:00Z' }, now)).toBe(
      'revoked',
    );
  });
});
