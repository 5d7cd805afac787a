import type { Session } from '@closeloop/shared';
import { roleAtLeast, type StaffRole } from '@closeloop/shared/workflow';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session (inside the signed-in app only). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in app');
  return session;
}

/** Whether the signed-in user has at least this role. */
export function useCan(role: StaffRole): boolean {
  return roleAtLeast(useSession().user.role, role);
}
