/**
 * The examples track the events of the demo project that `pnpm start` creates, so that their
 * buttons show its CSAT and CES surveys; the browser tests' default surveys listen for the same ones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSurveys } from '../../../packages/api/src/services/projects.ts';
import { examplesDir } from '../support.ts';

const files = [
  'script-tag/index.html',
  'csp-strict/index.html',
  'csp-strict/app.js',
  'spa/main.js',
  'spa/README.md',
];

/** Event names in `closeloop('track', 'x')`, `track('x')` and `data-track="x"`. */
const trackedIn = (text: string) =>
  [...text.matchAll(/(?:'track',\s*|\btrack\(|data-track=)['"]([^'"]+)['"]/g)].map((match) => match[1]!);

describe('example event names', () => {
  const demoEvents = demoSurveys.flatMap((survey) => survey.targeting?.onEvent ?? []);

  it('are the ones the demo project listens for', () => {
    expect(demoEvents.length).toBeGreaterThan(0);
    const tracked = new Set<string>();
    for (const file of files) {
      const names = trackedIn(readFileSync(join(examplesDir, file), 'utf8'));
      for (const name of names) tracked.add(name);
      expect(
        names.filter((name) => !demoEvents.includes(name)),
        file,
      ).toEqual([]);
    }
    expect(tracked.size).toBeGreaterThan(0);
  });

  it('are the ones the browser tests default surveys listen for', () => {
    const harness = readFileSync(join(examplesDir, '../e2e/harness.ts'), 'utf8');
    const defaults = [...harness.matchAll(/onEvent: '([^']+)'/g)].map((match) => match[1]);
    expect(defaults.sort()).toEqual([...demoEvents].sort());
  });
});
