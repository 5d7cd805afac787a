/**
 * The follow-up rules editor in real Chromium: editing one rule after another (or starting a new
 * one) shows and saves that rule's own values; trait conditions keep their type (true, 2, "text"),
 * so `vip = true` matches `traits: { vip: true }`; and the response's activity tells what each rule
 * did (tags, owner) instead of claiming it opened a follow-up.
 */
import type { Rule } from '@closeloop/shared';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../../browser.ts';
import { type StartedServer, startServer } from '../../harness.ts';
import { answer, manage, signIn } from '../session.ts';

describe.runIf(hasChromium)('follow-up rules editor', () => {
  let server: StartedServer;
  let browser: Browser;
  let page: Page;
  let form: Locator;

  const rules = async () => (await manage<{ data: Rule[] }>(server, 'GET', '/v1/follow-up-rules')).data;
  const rule = async (name: string) => (await rules()).find((candidate) => candidate.name === name);
  const row = (name: string) => page.getByRole('row', { name: new RegExp(name) });

  beforeAll(async () => {
    server = await startServer({ staff: ['admin'] });
    browser = await launchBrowser();
    for (const [name, kind, tag, hours] of [
      ['Alpha CSAT', 'csat', 'alpha', 10],
      ['Bravo CES', 'ces', 'bravo', 20],
    ] as const) {
      await manage(server, 'POST', '/v1/follow-up-rules', {
        name,
        conditions: { kind, scoreAtMost: 2 },
        effects: { dueInHours: hours, addTags: [tag] },
      });
    }
    page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, server.staff[0]!.email);
    form = page.getByRole('form', { name: 'Rule' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('editing rule B after rule A shows and saves B’s own values', async () => {
    await page.goto(`${server.url}/inbox/#/admin/rules`);
    await row('Alpha CSAT').getByRole('button', { name: 'Edit' }).click();
    expect(await form.getByLabel('Name').inputValue()).toBe('Alpha CSAT');
    await form.getByLabel('Add tags').fill('changed-but-not-saved');

    await row('Bravo CES').getByRole('button', { name: 'Edit' }).click();
    await form.getByRole('heading', { name: 'Edit "Bravo CES"' }).waitFor();
    expect(await form.getByLabel('Name').inputValue()).toBe('Bravo CES');
    expect(await form.getByLabel('Kind').inputValue()).toBe('ces');
    expect(await form.getByLabel('Add tags').inputValue()).toBe('bravo');
    expect(await form.getByLabel('Due in (hours)').inputValue()).toBe('20');
    await form.getByLabel('Due in (hours)').fill('30');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await expect.poll(async () => (await rule('Bravo CES'))?.effects.dueInHours).toBe(30);

    expect(await rule('Bravo CES')).toMatchObject({
      conditions: { kind: 'ces', scoreAtMost: 2 },
      effects: { dueInHours: 30, addTags: ['bravo'] },
    });
    expect(await rule('Alpha CSAT')).toMatchObject({
      conditions: { kind: 'csat', scoreAtMost: 2 },
      effects: { dueInHours: 10, addTags: ['alpha'] },
    });
  });

  it('"New rule" while a rule is open starts from an empty form and creates a new rule', async () => {
    await row('Alpha CSAT').getByRole('button', { name: 'Edit' }).click();
    expect(await form.getByLabel('Name').inputValue()).toBe('Alpha CSAT');
    await page.getByRole('button', { name: 'New rule' }).click();
    await form.getByRole('heading', { name: 'New rule' }).waitFor();
    expect(await form.getByLabel('Name').inputValue()).toBe('');
    expect(await form.getByLabel('Kind').inputValue()).toBe('');
    expect(await form.getByLabel('Add tags').inputValue()).toBe('');
    expect(await form.getByLabel('Due in (hours)').inputValue()).toBe('48');
    await form.getByLabel('Name').fill('Charlie NPS');
    await form.getByLabel('Kind').selectOption('nps');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await row('Charlie NPS').waitFor();

    expect(await rule('Charlie NPS')).toMatchObject({
      conditions: { kind: 'nps', scoreAtMost: null },
      effects: { dueInHours: 48, addTags: [] },
    });
    expect((await rules()).filter((candidate) => candidate.name === 'Alpha CSAT')).toHaveLength(1);
    expect((await rule('Alpha CSAT'))?.effects).toMatchObject({ dueInHours: 10, addTags: ['alpha'] });
    // Not to disturb the next test: this rule would open every NPS response.
    await manage(server, 'DELETE', `/v1/follow-up-rules/${(await rule('Charlie NPS'))!.id}`);
  });

  it('trait values keep their type: true and 2 are stored as a boolean and a number, text stays text', async () => {
    await page.goto(`${server.url}/inbox/#/admin/rules`);
    const admin = server.staff[0]!;
    const create = async (
      name: string,
      trait: string,
      value: string,
      tag: string,
      extra?: (form: Locator) => Promise<void>,
    ) => {
      await page.getByRole('button', { name: 'New rule' }).click();
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('Trait').fill(trait);
      await form.getByLabel('equals').fill(value);
      await form.getByLabel('Open a follow-up').uncheck();
      await form.getByLabel('Add tags').fill(tag);
      await extra?.(form);
      await form.getByRole('button', { name: 'Save rule' }).click();
      await row(name).waitFor();
    };
    await create('VIP', 'vip', 'true', 'vip');
    await create('Tier 2', 'tier', '2', 'tier-2', async (f) => {
      expect(await f.getByLabel('Value type').inputValue()).toBe('number');
      await f.getByLabel('Assign to').selectOption({ label: admin.name });
    });
    // A value that looks like a number but is a postcode: the type is chosen by hand.
    await create('Postcode', 'postcode', '75001', 'paris', async (f) => {
      await f.getByLabel('Value type').selectOption('string');
    });

    expect((await rule('VIP'))?.conditions.trait).toEqual({ key: 'vip', value: true });
    expect((await rule('Tier 2'))?.conditions.trait).toEqual({ key: 'tier', value: 2 });
    expect((await rule('Postcode'))?.conditions.trait).toEqual({ key: 'postcode', value: '75001' });
    expect(await row('VIP').textContent()).toContain('vip = true');
    expect(await row('Postcode').textContent()).toContain('postcode = "75001"');

    // Editing shows the stored type.
    await row('VIP').getByRole('button', { name: 'Edit' }).click();
    expect(await form.getByLabel('equals').inputValue()).toBe('true');
    expect(await form.getByLabel('Value type').inputValue()).toBe('boolean');
    await row('Tier 2').getByRole('button', { name: 'Edit' }).click();
    expect(await form.getByLabel('equals').inputValue()).toBe('2');
    expect(await form.getByLabel('Value type').inputValue()).toBe('number');
    await form.getByRole('button', { name: 'Cancel' }).click();

    // The rules match typed traits at ingestion.
    const [promoter] = await answer(server, [
      {
        surveyId: server.surveys.nps,
        score: 9,
        respondent: { externalId: 'vip-1', traits: { vip: true, tier: 2, postcode: '75001' } },
      },
    ]);
    const [stored] = await server.query<{ tags: string[]; follow_up_status: string; assignee_id: string }>(
      'select tags, follow_up_status, assignee_id from responses where id = $1',
      [promoter],
    );
    expect(stored).toEqual({
      tags: ['paris', 'tier-2', 'vip'],
      follow_up_status: 'none',
      assignee_id: admin.id,
    });

    // The activity says what each rule did; none of them opened a follow-up.
    await page.goto(`${server.url}/inbox/#/responses/${promoter}`);
    const lines = page.locator('[data-activity="rule_applied"]');
    await expect.poll(() => lines.count()).toBe(3);
    const texts = await lines.allTextContents();
    expect(texts.join('\n')).not.toMatch(/opened|follow-up/i);
    expect(texts.some((text) => text.startsWith('Rule "VIP" matched: added the tag vip'))).toBe(true);
    expect(texts.at(-1)).toContain(`assigned to ${admin.name}`);

    // A detractor who is a VIP: the default rule opens it, the VIP rule tags it.
    const [detractor] = await answer(server, [
      { surveyId: server.surveys.nps, score: 2, respondent: { externalId: 'vip-2', traits: { vip: true } } },
    ]);
    await page.goto(`${server.url}/inbox/#/responses/${detractor}`);
    await expect.poll(() => lines.count()).toBe(2);
    const [first, second] = await lines.allTextContents();
    expect(first).toMatch(/^Rule "Detractors \(NPS 0–6\)" matched ·/);
    expect(second).toMatch(/^Rule "VIP" matched: added the tag vip → follow-up Open, due .+ ·/);
  });
});
