/** Accounts and keys as the access API returns them (apps/server/src/access/*.dto.ts). */
export interface ScopeView {
  unitId: string;
  level: 'province' | 'district' | 'commune' | 'village';
  name: string;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  phone: string | null;
  email: string | null;
  active: boolean;
  role: string;
  scope: ScopeView | null;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  passwordChangedAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKeyView {
  id: string;
  name: string;
  role: string;
  scope: ScopeView | null;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
}
