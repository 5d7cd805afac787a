/**
 * Test data for the inbox's component tests, each value parsed with the shared schema it stands
 * for: a fixture the API could not send fails here, not later in a component.
 */
import {
  type Metrics,
  metricsSchema,
  type QueueCounts,
  queueCountsSchema,
  type ResponseRecord,
  responseRecordSchema,
  type Session,
  type StaffUser,
  sessionSchema,
  staffUserSchema,
} from '@closeloop/shared';

export const ids = {
  project: '00000000-0000-4000-8000-000000000001',
  me: '00000000-0000-4000-8000-000000000002',
  colleague: '00000000-0000-4000-8000-000000000003',
  survey: '00000000-0000-4000-8000-000000000004',
  response: (n: number) => `00000000-0000-4000-8000-1000000000${String(n).padStart(2, '0')}`,
};

const at = '2026-11-30T10:00:00.000Z';

export function staffUser(overrides: Partial<StaffUser> = {}): StaffUser {
  return staffUserSchema.parse({
    id: ids.me,
    email: 'agent@example.com',
    name: 'Alex Agent',
    role: 'agent',
    createdAt: at,
    lastLoginAt: at,
    deactivatedAt: null,
    ...overrides,
  });
}

export function session({ email = true, role = 'agent' as StaffUser['role'] } = {}): Session {
  return sessionSchema.parse({
    user: staffUser({ role }),
    project: { id: ids.project, name: 'Acme', publicKey: 'pk_test_123' },
    csrfToken: 'csrf-test-token',
    expiresAt: '2026-12-31T00:00:00.000Z',
    features: { email },
  });
}

export function responseRecord(n: number, overrides: Partial<ResponseRecord> = {}): ResponseRecord {
  return responseRecordSchema.parse({
    id: ids.response(n),
    surveyId: ids.survey,
    kind: 'nps',
    score: n % 11,
    comment: `Comment number ${n}`,
    respondent: {
      externalId: `user-${n}`,
      email: `customer${n}@example.com`,
      traits: { name: `Customer ${n}`, plan: 'pro' },
      verified: true,
    },
    identity: 'verified',
    claimedRespondent: null,
    quarantined: false,
    context: { url: 'https://shop.example.com/checkout' },
    submittedAt: at,
    receivedAt: at,
    updatedAt: at,
    followUp: { status: 'open', assigneeId: null, dueAt: null, resolvedAt: null, tags: [] },
    ...overrides,
  });
}

export function queueCounts(overrides: Partial<QueueCounts> = {}): QueueCounts {
  return queueCountsSchema.parse({ open: 3, mine: 1, overdue: 2, resolved: 5, all: 8, ...overrides });
}

const stats = (n: number, score: number | null) => ({
  n,
  score,
  ci: n > 0 && score !== null ? { low: score - 5, high: score + 5 } : null,
  mean: null,
  meanCi: null,
  distribution: {},
  histogram: {},
  shown: null,
  responseRate: null,
});

export function metrics(
  kind: Metrics['kind'],
  { n = 120, score = 42, difference = 7 as number | null, significant = true } = {},
): Metrics {
  const change = { difference, pValue: significant ? 0.01 : 0.4, significant };
  return metricsSchema.parse({
    kind,
    surveyId: null,
    interval: 'week',
    timezone: 'UTC',
    from: '2026-09-07T00:00:00.000Z',
    to: '2026-11-30T00:00:00.000Z',
    total: stats(n, n > 0 ? score : null),
    previous: stats(n, n > 0 && difference !== null ? score - difference : null),
    change,
    buckets: [0, 1, 2].map((week) => ({
      ...stats(n > 0 ? 40 : 0, n > 0 ? score - 2 + week : null),
      start: `2026-11-${String(9 + week * 7).padStart(2, '0')}T00:00:00.000Z`,
      end: `2026-11-${String(16 + week * 7).padStart(2, '0')}T00:00:00.000Z`,
      change: { difference: null, pValue: null, significant: false },
    })),
  });
}
