/**
 * The insights dashboard in real Chromium on seeded data: the headline matches the API, the trend
 * is drawn and readable as a table, segments and comments show, and the export streams every row.
 * What the dashboard shows lives in the address: reload, back and forward, and a shared link bring
 * it back; unknown values in the address show the defaults.
 */
import { ingestResponses, seedDemoData } from '@closeloop/api';
import type { ResponseInput } from '@closeloop/shared';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { signIn } from '../session.ts';

const day = 86_400_000;

describe.runIf(hasChromium)('insights dashboard', () => {
  let server: StartedServer;
  let browser: Browser;
  let npsCount: number;
  let quietSurveyId: string;

  /** Stores responses as if each had arrived when it was given (some are older than the widget may send). */
  async function answer(responses: ResponseInput[]) {
    for (const response of responses) {
      await ingestResponses(server.database.db, server.projectId, [response], {
        receivedAt: new Date(response.submittedAt),
      });
    }
  }
  const anAnswer = (surveyId: string, score: number, daysAgo: number, comment?: string): ResponseInput => ({
    id: crypto.randomUUID(),
    surveyId,
    score,
    ...(comment ? { comment } : {}),
    context: { url: 'https://shop.example/checkout', locale: 'en' },
    submittedAt: new Date(Date.now() - daysAgo * day).toISOString(),
  });

  beforeAll(async () => {
    server = await startServer({ staff: ['viewer'] });
    await seedDemoData(server.database.db, {
      projectId: server.projectId,
      responses: 1500,
      months: 3,
      seed: 7,
    });
    // A comment with line breaks is one record of the CSV export, however many lines it spans.
    await answer([anAnswer(server.surveys.nps, 2, 1, 'Checkout failed.\nTwice.\r\nThen it worked.')]);
    // A survey whose comments are all older than its newest 150 responses.
    const created = await fetch(`${server.url}/v1/surveys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.secretKey}` },
      body: JSON.stringify({ name: 'Quiet survey', kind: 'csat', texts: { en: { question: 'Satisfied?' } } }),
    });
    expect(created.status).toBe(201);
    quietSurveyId = (await created.json()).id;
    await answer([
      anAnswer(quietSurveyId, 1, 70, 'Older comment one'),
      anAnswer(quietSurveyId, 2, 65, 'Older comment two'),
      anAnswer(quietSurveyId, 5, 60, 'Older comment three'),
      ...Array.from({ length: 150 }, (_, i) => anAnswer(quietSurveyId, 1 + (i % 5), 1 + (i % 30))),
    ]);
    const [row] = await server.query<{ n: number }>(
      'select count(*)::int as n from responses where project_id = $1 and survey_id = $2',
      [server.projectId, server.surveys.nps],
    );
    npsCount = row!.n;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the score with its interval, trend, distribution, segments and comments, and exports', async () => {
    const context = await browser.newContext({ acceptDownloads: true, timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    // Watched from here on: before sign-in the inbox's session check answers 401 by design.
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${server.url}/inbox/#/insights`);
    await page.getByLabel('Survey').selectOption(server.surveys.nps);
    await page.getByLabel('Range').selectOption('12m');
    await expect
      .poll(() => page.getByTestId('insights-n').textContent())
      .toBe(npsCount.toLocaleString('en-US'));

    // The headline is the API's own number for the same survey.
    const metrics = await (
      await fetch(
        `${server.url}/v1/metrics?surveyId=${server.surveys.nps}&interval=week&from=${new Date(Date.now() - 400 * 86_400_000).toISOString()}`,
        {
          headers: { authorization: `Bearer ${server.secretKey}` },
        },
      )
    ).json();
    expect(metrics.total.n).toBe(npsCount);
    const shown = Math.round(metrics.total.score * 10) / 10;
    expect(await page.getByTestId('insights-score').textContent()).toBe(
      shown > 0 ? `+${shown}` : String(shown).replace('-', '−'),
    );
    await expect
      .poll(() =>
        page
          .getByText(/95 % interval/)
          .first()
          .isVisible(),
      )
      .toBe(true);

    // The chart is drawn, with a text alternative, and can be read as a table.
    const chart = page.locator('.insights-chart');
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.getAttribute('aria-label')).toMatch(/responses in all/);
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    if (process.env.INSIGHTS_SCREENSHOT)
      await page.screenshot({ path: process.env.INSIGHTS_SCREENSHOT, fullPage: true });
    await page.getByRole('button', { name: 'Show as table' }).click();
    await page.getByRole('button', { name: 'Show chart' }).waitFor();
    const rows = page.locator('table.insights-table').first().locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(13);

    // Distribution bars for every NPS score, segments by page, comments of the period.
    expect(await page.locator('.insights-bars li').count()).toBe(11);
    await expect
      .poll(() => page.getByRole('rowheader', { name: 'https://shop.example/checkout', exact: true }).count())
      .toBe(1);
    // The newest 20 comments of the period, then 20 more on request.
    const comments = page.locator('.insights-comments li');
    await expect.poll(() => comments.count()).toBe(20);
    await page.getByRole('button', { name: 'More comments' }).click();
    await expect.poll(() => comments.count()).toBe(40);

    // The export streams every response of the survey in range.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Exported' }).textContent())
      .toBe(`Exported ${npsCount.toLocaleString('en-US')} responses.`);
    expect(file.suggestedFilename()).toMatch(/^responses-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('exports from the keyboard: the focus goes to Cancel while it runs, then back to the export button', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    await page.getByRole('link', { name: 'Insights' }).click();
    const exportCsv = page.getByRole('button', { name: 'Export CSV' });
    const exportNdjson = page.getByRole('button', { name: 'Export NDJSON' });
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? null);

    // Held at the server's door, then cancelled with Enter.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/v1/responses/export?*', async (route) => {
      await gate;
      await route.continue();
    });
    await exportNdjson.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Cancel' }).waitFor();
    await expect.poll(focused).toBe('Cancel');
    await page.keyboard.press('Enter');
    release();
    await page.getByRole('status').filter({ hasText: 'Export cancelled.' }).waitFor();
    await expect.poll(focused).toBe('Export NDJSON');
    await page.unrouteAll();

    // A finished export gives the focus back too.
    await exportCsv.focus();
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    await download;
    await page.getByRole('status').filter({ hasText: 'Exported' }).waitFor();
    await expect.poll(focused).toBe('Export CSV');
    await context.close();
  });

  it("shows a period's comments even when its newest responses have none", async () => {
    const context = await browser.newContext({ timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    await page.goto(`${server.url}/inbox/#/insights`);
    await page.getByLabel('Survey').selectOption(quietSurveyId);
    await page.getByLabel('Range').selectOption('90d');
    const comments = page.locator('.insights-comments li .insights-comment-text');
    await expect
      .poll(() => comments.allTextContents())
      .toEqual(['Older comment three', 'Older comment two', 'Older comment one']);
    expect(await page.getByRole('button', { name: 'More comments' }).count()).toBe(0);
    // 30 days back, none of them is in the period.
    await page.getByLabel('Range').selectOption('30d');
    await expect.poll(() => page.getByText('No comments in this period.').isVisible()).toBe(true);
    expect(await comments.count()).toBe(0);
    await context.close();
  });

  it('keeps its choices in the address: reload, back and forward, and a shared link show them again', async () => {
    const context = await browser.newContext({ timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    const survey = page.getByLabel('Survey');
    const range = page.getByLabel('Range');
    const interval = page.getByLabel('Interval');
    // Inside their labels, with the option chosen as part of the label's text.
    const segmentBy = page.locator('.insights-panel-head select');
    const trait = page.locator('.insights-panel-head input');
    const caption = page.locator('table.insights-table caption');
    const shown = async () => ({
      survey: await survey.inputValue(),
      range: await range.inputValue(),
      interval: await interval.inputValue(),
      segmentBy: await segmentBy.inputValue(),
      trait: (await trait.count()) ? await trait.inputValue() : null,
      table: await page.getByRole('button', { name: 'Show chart' }).isVisible(),
    });
    const hash = () => new URL(page.url()).hash;

    await page.goto(`${server.url}/inbox/#/insights`);
    await page.getByTestId('insights-n').waitFor();
    const defaults = await shown();
    expect(defaults).toMatchObject({
      range: '90d',
      interval: 'week',
      segmentBy: 'page',
      trait: null,
      table: false,
    });
    expect(hash()).toBe('#/insights');

    await survey.selectOption(quietSurveyId);
    await expect.poll(hash).toContain(`surveyId=${quietSurveyId}`);
    await range.selectOption('12m');
    await expect.poll(hash).toContain('range=12m');
    await interval.selectOption('month');
    await expect.poll(hash).toContain('interval=month');
    await segmentBy.selectOption('trait');
    await expect.poll(hash).toContain('segment=trait');
    await trait.fill('country');
    await trait.press('Enter');
    await expect.poll(hash).toContain('trait=country');
    await page.getByRole('button', { name: 'Show as table' }).click();
    await expect.poll(hash).toContain('view=table');
    await expect.poll(() => caption.textContent()).toBe('CSAT (% satisfied) per month');
    const chosen = {
      survey: quietSurveyId,
      range: '12m',
      interval: 'month',
      segmentBy: 'trait',
      trait: 'country',
      table: true,
    };
    expect(await shown()).toEqual(chosen);
    const link = page.url();

    // A reload asks the API for the same: the headline counts the quiet survey's 153 responses.
    await page.reload();
    await page.getByTestId('insights-n').waitFor();
    expect(await shown()).toEqual(chosen);
    await expect.poll(() => page.getByTestId('insights-n').textContent()).toBe('153');
    await expect.poll(() => caption.textContent()).toBe('CSAT (% satisfied) per month');

    // Back undoes one choice at a time, forward redoes it.
    await page.goBack();
    await expect.poll(shown).toEqual({ ...chosen, table: false });
    await page.goBack();
    await expect.poll(shown).toEqual({ ...chosen, table: false, trait: 'plan' });
    await page.goForward();
    await page.goForward();
    await expect.poll(shown).toEqual(chosen);
    await expect.poll(() => caption.textContent()).toBe('CSAT (% satisfied) per month');

    // Someone else opening the link sees the same dashboard.
    const other = await browser.newContext({ timezoneId: 'Europe/Berlin' });
    const colleague = await other.newPage();
    await signIn(colleague, server.url, server.staff[0]!.email);
    await colleague.goto(link);
    await colleague.getByTestId('insights-n').waitFor();
    expect(await colleague.getByLabel('Survey').inputValue()).toBe(quietSurveyId);
    expect(await colleague.getByLabel('Range').inputValue()).toBe('12m');
    expect(await colleague.getByLabel('Interval').inputValue()).toBe('month');
    expect(await colleague.locator('.insights-panel-head input').inputValue()).toBe('country');
    await expect
      .poll(() => colleague.locator('table.insights-table caption').textContent())
      .toBe('CSAT (% satisfied) per month');
    await other.close();

    // Unknown or malformed values show the defaults, without an error.
    await page.goto(
      `${server.url}/inbox/?load=2#/insights?surveyId=no-such-survey&range=7y&interval=hour&segment=browser&trait=&view=pie`,
    );
    await page.getByTestId('insights-n').waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    expect(await shown()).toEqual(defaults);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
