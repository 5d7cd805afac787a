/**
 * What the insights dashboard shows — survey, range, interval, segments, chart or table — as it
 * lives in the address (`#/insights?surveyId=…&range=12m&interval=month&segment=trait&trait=plan`),
 * so a reload, back and forward, or a shared link show the same dashboard. Values that are missing,
 * unknown or malformed fall back to the defaults; defaults are left out of the address.
 */

export const ranges = { '30d': 30, '90d': 90, '12m': 365 } as const;
/** A preset range, or `custom`: the days from `from` to `to` (both included). */
export type Range = keyof typeof ranges | 'custom';
export const intervals = ['day', 'week', 'month'] as const;
export type Interval = (typeof intervals)[number];
export const segmentKinds = ['page', 'locale', 'trait'] as const;
export type SegmentBy = (typeof segmentKinds)[number];

export interface Selection {
  /** The survey asked for; '' (or one that no longer exists) shows the first survey. */
  surveyId: string;
  range: Range;
  interval: Interval;
  segmentBy: SegmentBy;
  /** The respondent trait segments are grouped by when `segmentBy` is 'trait'. */
  traitKey: string;
  /** The trend as a table rather than a chart. */
  table: boolean;
  /** First and last day (yyyy-mm-dd) of a custom range; '' for the presets. */
  from: string;
  to: string;
  /** IANA time zone buckets start in; '' is this browser's. */
  timezone: string;
}

export const defaultSelection: Selection = {
  surveyId: '',
  range: '90d',
  interval: 'week',
  segmentBy: 'page',
  traitKey: 'plan',
  table: false,
  from: '',
  to: '',
  timezone: '',
};

const day = /^\d{4}-\d{2}-\d{2}$/;
const validDay = (value: string | null): value is string =>
  !!value && day.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
const validZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length <= 64;
  } catch {
    return false;
  }
};

/** The longest trait key the metrics API accepts. */
export const maxTraitKey = 100;

function oneOf<T extends string>(options: readonly T[], value: string | null, fallback: T): T {
  return options.includes(value as T) ? (value as T) : fallback;
}

/** The dashboard's selection from the address's parameters. */
export function readSelection(params: URLSearchParams): Selection {
  const traitKey = params.get('trait')?.trim() ?? '';
  const from = params.get('from');
  const to = params.get('to');
  // A custom range needs both days, in order; otherwise the default range.
  const custom = params.get('range') === 'custom' && validDay(from) && validDay(to) && from <= to;
  const zone = params.get('tz')?.trim() ?? '';
  return {
    surveyId: params.get('surveyId')?.trim() ?? '',
    range: custom
      ? 'custom'
      : oneOf(Object.keys(ranges) as Range[], params.get('range'), defaultSelection.range),
    interval: oneOf(intervals, params.get('interval'), defaultSelection.interval),
    segmentBy: oneOf(segmentKinds, params.get('segment'), defaultSelection.segmentBy),
    traitKey: traitKey && traitKey.length <= maxTraitKey ? traitKey : defaultSelection.traitKey,
    table: params.get('view') === 'table',
    from: custom ? from : '',
    to: custom ? to : '',
    timezone: zone && validZone(zone) ? zone : '',
  };
}

/** The address parameters for a selection: only what differs from the defaults. */
export function selectionParams(selection: Selection): Record<string, string | undefined> {
  const differs = <K extends keyof Selection>(key: K) =>
    selection[key] === defaultSelection[key] ? undefined : selection[key];
  return {
    surveyId: selection.surveyId || undefined,
    range: differs('range'),
    interval: differs('interval'),
    segment: differs('segmentBy'),
    trait: selection.segmentBy === 'trait' ? (differs('traitKey') as string | undefined) : undefined,
    view: selection.table ? 'table' : undefined,
    ...(selection.range === 'custom' ? { from: selection.from, to: selection.to } : {}),
    ...(selection.timezone ? { tz: selection.timezone } : {}),
  };
}
