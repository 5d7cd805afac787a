import { describe, expect, it } from 'vitest';
import { defaultSelection, readSelection, selectionParams } from '../src/features/insights/selection.ts';

const read = (search: string) => readSelection(new URLSearchParams(search));

describe("the insights dashboard's selection in the address", () => {
  it('reads every choice back', () => {
    expect(read('surveyId=s1&range=12m&interval=month&segment=trait&trait=country&view=table')).toEqual({
      surveyId: 's1',
      range: '12m',
      interval: 'month',
      segmentBy: 'trait',
      traitKey: 'country',
      table: true,
      from: '',
      to: '',
      timezone: '',
    });
  });

  it('reads a custom range and a time zone, and refuses malformed ones', () => {
    expect(read('range=custom&from=2026-01-05&to=2026-02-01&tz=Europe/Berlin')).toMatchObject({
      range: 'custom',
      from: '2026-01-05',
      to: '2026-02-01',
      timezone: 'Europe/Berlin',
    });
    expect(read('range=custom&from=2026-02-01&to=2026-01-05&tz=Mars/Base')).toMatchObject({
      range: '90d',
      from: '',
      to: '',
      timezone: '',
    });
    expect(read('range=custom&from=2026-13-45&to=2026-02-01').range).toBe('90d');
  });

  it('shows the defaults for an empty address', () => {
    expect(read('')).toEqual(defaultSelection);
  });

  it('falls back to the default for unknown or malformed values, keeping the valid ones', () => {
    expect(read('range=7y&interval=hour&segment=browser&view=pie&trait=%20%20')).toEqual(defaultSelection);
    expect(read(`range=30d&interval=fortnight&segment=trait&trait=${'x'.repeat(101)}`)).toEqual({
      ...defaultSelection,
      range: '30d',
      segmentBy: 'trait',
    });
    expect(read('range=toString&interval=constructor').range).toBe('90d');
  });

  it('writes only what differs from the defaults, and round-trips', () => {
    expect(selectionParams(defaultSelection)).toEqual({
      surveyId: undefined,
      range: undefined,
      interval: undefined,
      segment: undefined,
      trait: undefined,
      view: undefined,
    });
    const chosen = {
      surveyId: 's2',
      range: '30d',
      interval: 'day',
      segmentBy: 'trait',
      traitKey: 'plan tier',
      table: true,
      from: '',
      to: '',
      timezone: 'Asia/Kolkata',
    } as const;
    const params = new URLSearchParams(
      Object.entries(selectionParams(chosen)).filter((entry): entry is [string, string] => !!entry[1]),
    );
    expect(readSelection(params)).toEqual(chosen);
  });

  it('leaves the trait out unless segments are by trait', () => {
    expect(selectionParams({ ...defaultSelection, segmentBy: 'locale', traitKey: 'country' }).trait).toBe(
      undefined,
    );
  });
});
