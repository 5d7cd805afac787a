/** Every label, date, score and change the inbox shows is formatted here, once. */
import type { ScoreStats } from '@closeloop/shared';
import type { SurveyKind } from '@closeloop/shared/kinds';
import { scoreBand } from '@closeloop/shared/kinds';

const kindLabels: Record<SurveyKind, string> = { nps: 'NPS', csat: 'CSAT', ces: 'CES' };
export const kindLabel = (kind: SurveyKind) => kindLabels[kind];

export const statusLabels = {
  none: 'No follow-up',
  open: 'Open',
  in_progress: 'In progress',
  resolved: 'Resolved',
} as const;

/** CSS class of a score badge: negative, neutral or positive. */
export const bandClass = (kind: SurveyKind, score: number) => `band-${scoreBand(kind, score)}`;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const formatDateTime = (iso: string | null | undefined) =>
  iso ? dateTime.format(new Date(iso)) : '—';

/** "in 2 days", "3 hours ago". */
export function relative(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, 'second');
}

export const isOverdue = (dueAt: string | null, status: string) =>
  !!dueAt && (status === 'open' || status === 'in_progress') && Date.parse(dueAt) < Date.now();

/** A value for <input type="datetime-local"> from an ISO instant, in local time. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 16);
}

/** Only http(s) URLs become links; anything else is shown as text. */
export function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Local midnight at the start of a yyyy-mm-dd day, as an ISO instant. */
export function startOfDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date).toISOString();
}

/** Local midnight at the end of a yyyy-mm-dd day (the next day's start): days are not always 24 hours long. */
export function endOfDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date + 1).toISOString();
}

/** "+12.5" / "−3" / "—": a score for people, with the kind's unit. */
export function formatScore(kind: SurveyKind, score: number | null): string {
  if (score === null) return '—';
  const rounded = Math.round(score * 10) / 10;
  const text = rounded.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return kind === 'nps' ? (rounded > 0 ? `+${text}` : text.replace('-', '−')) : `${text} %`;
}

/** A change in points with its sign, "+8", "−5" or "0"; never "−0". */
export function formatChange(difference: number, decimals = 0): string {
  const factor = 10 ** decimals;
  const rounded = Math.round(difference * factor) / factor;
  const text = Math.abs(rounded).toLocaleString('en-US', { maximumFractionDigits: decimals });
  return rounded > 0 ? `+${text}` : rounded < 0 ? `−${text}` : '0';
}

export function formatInterval(stats: Pick<ScoreStats, 'ci'>): string {
  if (!stats.ci) return 'no interval';
  const low = Math.round(stats.ci.low);
  const high = Math.round(stats.ci.high);
  return `95 % interval ${low.toString().replace('-', '−')} to ${high.toString().replace('-', '−')}`;
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toLocaleString('en-US', { maximumFractionDigits: 1 })} %`;
}

export const scoreLabel = { nps: 'NPS', csat: 'CSAT (% satisfied)', ces: 'CES (% agree)' } as const;

export const scoreRange = { nps: [-100, 100], csat: [0, 100], ces: [0, 100] } as const;

interface WithRespondent {
  respondent: { externalId: string | null; email: string | null; traits: Record<string, unknown> } | null;
  claimedRespondent: {
    externalId: string | null;
    email: string | null;
    traits: Record<string, unknown>;
  } | null;
}

/** The customer's name from their traits (`name`, or first and last name), if the site gave one. */
export function customerName(response: WithRespondent): string | null {
  const traits = (response.respondent ?? response.claimedRespondent)?.traits ?? {};
  const text = (key: string) => (typeof traits[key] === 'string' ? (traits[key] as string).trim() : '');
  const full =
    text('name') ||
    [text('firstName') || text('first_name'), text('lastName') || text('last_name')]
      .filter(Boolean)
      .join(' ');
  return full || null;
}

/** Who answered, in a word: their name, else their email, else the site's id, else "Anonymous". */
export function customerLabel(response: WithRespondent): string {
  const who = response.respondent ?? response.claimedRespondent;
  return customerName(response) ?? who?.email ?? who?.externalId ?? 'Anonymous';
}

/** "Due in 2 days" / "3 days overdue" for a follow-up's due date. */
export function dueLabel(dueAt: string, now = Date.now()): string {
  const seconds = (Date.parse(dueAt) - now) / 1000;
  if (seconds >= 0) return `Due ${relative(dueAt, now)}`;
  const units: [Intl.NumberFormatOptions['unit'], number][] = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  const [unit, size] = units.find(([, size]) => -seconds >= size) ?? ['minute', 60];
  const amount = Math.max(1, Math.round(-seconds / size));
  return `${new Intl.NumberFormat('en-US', { style: 'unit', unit, unitDisplay: 'long' }).format(amount)} overdue`;
}
