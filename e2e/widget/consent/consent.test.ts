/**
 * Consent: with `data-consent="required"` the widget stores nothing in the browser and sends no
 * identity until the site calls `closeloop('consent', true)`; `consent(false)` removes what it
 * stored. A browser sending Global Privacy Control is treated the same unless the site says
 * `data-consent="granted"`.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser.ts';
import type { StartedServer } from '../../harness.ts';
import { storedResponses, useScenario, waitForResponses, watch, widget } from '../support.ts';

/** What the widget left in the browser: its localStorage entries and every cookie of the page. */
async function storedByWidget(page: Page, context: BrowserContext) {
  const local = await page.evaluate(() =>
    Object.keys(localStorage).filter((key) => key.startsWith('closeloop')),
  );
  return { local: local.sort(), cookies: (await context.cookies()).map((cookie) => cookie.name) };
}

/** Who a stored response says answered it (a respondent row or a claimed identity), if anyone. */
async function identityOf(server: StartedServer, responseId: string) {
  const [row] = await server.query<{
    external_id: string | null;
    email: string | null;
    traits: string | null;
  }>(
    `select coalesce(p.external_id, r.claimed_respondent ->> 'externalId') as external_id,
            coalesce(p.email, r.claimed_respondent ->> 'email') as email,
            coalesce(p.traits, r.claimed_respondent -> 'traits')::text as traits
       from responses r left join respondents p on p.project_id = r.project_id and p.id = r.respondent_id
      where r.id = $1`,
    [responseId],
  );
  return row!;
}
const nobody = { external_id: null, email: null, traits: null };

describe.skipIf(!hasChromium)('consent', () => {
  const scenario = useScenario(import.meta.dirname, {
    surveys: { nps: { recontact: { showOnce: true, afterDays: 0 } } },
  });
  const npsAnswered = async (page: Page, score: string) => {
    const ui = widget(page);
    await ui.radio(score).click();
    await ui.close.click();
    await expect.poll(() => ui.host.count()).toBe(0);
  };

  it('stores nothing and sends no identity before consent; consent(true) stores, consent(false) clears', async () => {
    const { browser, fixture, server } = scenario;
    const context = await browser.newContext();
    const page = await context.newPage();
    const watched = watch(page);
    const ui = widget(page);
    await page.goto(`${fixture.url}required.html`);

    // shown and answered before consent: nothing in localStorage, no cookie, no identity sent
    await npsAnswered(page, '4');
    const [first] = await waitForResponses(server, 1);
    expect(await identityOf(server, first!.id)).toEqual(nobody);
    expect(await storedByWidget(page, context)).toEqual({ local: [], cookies: [] });
    // a reload forgets the answer (it was in memory only), so the survey is asked again
    await page.reload();
    await ui.radios.first().waitFor();
    await npsAnswered(page, '6');
    await waitForResponses(server, 2);
    expect(await storedByWidget(page, context)).toEqual({ local: [], cookies: [] });

    // consent given: what this page kept in memory is stored, answers carry the identity
    await page.getByRole('button', { name: 'Accept' }).click();
    const key = server.publicKey;
    await expect
      .poll(async () => (await storedByWidget(page, context)).local)
      .toEqual([`closeloop:${key}:outbox`, `closeloop:${key}:visitor`]);
    const visitor = await page.evaluate(
      (name) => JSON.parse(localStorage.getItem(name)!),
      `closeloop:${key}:visitor`,
    );
    expect(visitor.answered[server.surveys.nps]).toBeGreaterThan(0);
    expect(visitor.userId).toBe('consent-user');
    await page.evaluate(() =>
      (window as unknown as { closeloop: (...args: unknown[]) => void }).closeloop(
        'track',
        'checkout-completed',
      ),
    );
    await ui.radio('Very satisfied').click();
    const rows = await waitForResponses(server, 3);
    expect(await identityOf(server, rows[2]!.id)).toMatchObject({
      external_id: 'consent-user',
      email: 'ada@example.com',
    });

    // the next page view (the site passes its stored choice on) remembers the answer: no survey
    await page.reload();
    await page.waitForTimeout(800);
    expect(await ui.host.count()).toBe(0);

    // consent withdrawn: everything the widget stored is gone, and answers are anonymous again
    await page.getByRole('button', { name: 'Decline' }).click();
    expect(await storedByWidget(page, context)).toEqual({ local: [], cookies: [] });
    await page.evaluate(() =>
      (window as unknown as { closeloop: (...args: unknown[]) => void }).closeloop(
        'track',
        'checkout-completed',
      ),
    );
    await ui.radio('Satisfied').click();
    const after = await waitForResponses(server, 4);
    expect(await identityOf(server, after[3]!.id)).toEqual(nobody);
    expect(await storedByWidget(page, context)).toEqual({ local: [], cookies: [] });
    expect(watched.pageErrors).toEqual([]);
    expect(watched.consoleErrors).toEqual([]);
    await context.close();
  });

  it('treats Global Privacy Control as no consent, unless the site says data-consent="granted"', async () => {
    const { browser, fixture, server } = scenario;
    const before = (await storedResponses(server)).length;
    const context = await browser.newContext();
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
    );
    const page = await context.newPage();
    const watched = watch(page);

    await page.goto(`${fixture.url}gpc.html`);
    await npsAnswered(page, '8');
    const rows = await waitForResponses(server, before + 1);
    expect(await identityOf(server, rows.at(-1)!.id)).toEqual(nobody);
    expect(await storedByWidget(page, context)).toEqual({ local: [], cookies: [] });

    await page.goto(`${fixture.url}granted.html`);
    await npsAnswered(page, '9');
    const granted = await waitForResponses(server, before + 2);
    expect(await identityOf(server, granted.at(-1)!.id)).toMatchObject({ external_id: 'gpc-user' });
    expect((await storedByWidget(page, context)).local).toContain(`closeloop:${server.publicKey}:visitor`);
    expect(watched.pageErrors).toEqual([]);
    await context.close();
  });
});
