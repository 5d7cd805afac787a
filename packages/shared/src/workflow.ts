/**
 * Staff roles and follow-up status transitions: pure data and tiny helpers with no dependencies,
 * so the inbox can import them without zod (`@closeloop/shared/workflow`).
 */
import type { FollowUpStatus } from './kinds.ts';

/** Staff roles, from most to least powerful. */
export const staffRoles = ['owner', 'admin', 'agent', 'viewer'] as const;
export type StaffRole = (typeof staffRoles)[number];

const rank: Record<StaffRole, number> = { viewer: 0, agent: 1, admin: 2, owner: 3 };

/** Whether `role` may do what `required` may. */
export function roleAtLeast(role: StaffRole, required: StaffRole): boolean {
  return rank[role] >= rank[required];
}

/**
 * Follow-up status transitions: none → open → in_progress → resolved, open → resolved directly,
 * in_progress → open (put back), resolved → open (reopen).
 */
export const followUpTransitions: Record<FollowUpStatus, readonly FollowUpStatus[]> = {
  none: ['open'],
  open: ['in_progress', 'resolved'],
  in_progress: ['open', 'resolved'],
  resolved: ['open'],
};

/** Whether a follow-up may move from one status to another (staying put is always allowed). */
export function canTransition(from: FollowUpStatus, to: FollowUpStatus): boolean {
  return from === to || followUpTransitions[from].includes(to);
}
