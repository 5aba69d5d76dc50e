import { createContext, useContext } from 'react';
import type { Settings, User } from './types.js';

export interface Session {
  user: User;
  settings: Settings;
  /** Read the settings again (after an admin changed them). */
  reloadSettings(): Promise<void>;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in person and the organization's settings; only used below the signed-in shell. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in app');
  return s;
}

/** True when a user may change reports. */
export const canEdit = (u: User) => u.role === 'editor' || u.role === 'admin';
