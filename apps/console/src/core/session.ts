import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { api } from './api';

export interface Scope {
  unitId: string;
  level: 'province' | 'district' | 'commune' | 'village';
  name: string;
}

export interface Me {
  id: string;
  kind: 'user' | 'api_key';
  name: string;
  role: 'admin' | 'province_admin' | 'district_technician' | 'commune_operator' | 'viewer' | string;
  scope: Scope | null;
  permissions: string[];
}

export interface Session {
  me: Me;
  can(permission: string): boolean;
  logout(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function makeSession(me: Me, onLogout: () => void): Session {
  const permissions = new Set(me.permissions);
  return {
    me,
    can: (permission) => permissions.has(permission),
    logout: async () => {
      try {
        await api.post('/auth/logout');
      } finally {
        onLogout();
      }
    },
  };
}

/** Who is signed in on this browser (null: nobody). Asks /auth/session, which answers 200 either way. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return (await api.get<{ signedIn: boolean; me: Me | null }>('/auth/session')).me;
  } catch {
    return null;
  }
}

export async function login(username: string, password: string): Promise<Me> {
  await api.post('/auth/login', { username, password, cookie: true });
  return api.get<Me>('/auth/me');
}
