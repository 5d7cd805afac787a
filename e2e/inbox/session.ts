import type { Page } from 'playwright-core';
import { type StartedServer, staffPassword } from '../harness.ts';
import { axeSource } from '../widget/support.ts';

/** Signs in through the inbox's own form. */
export async function signIn(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/inbox/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(staffPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export interface Answer {
  id?: string;
  surveyId: string;
  score: number;
  comment?: string;
  respondent?: { externalId?: string; email?: string; traits?: Record<string, unknown>; signature?: string };
  submittedAt?: string;
}

/** Stores responses as the widget sends them (text/plain, public key); returns their ids in order. */
export async function answer(server: StartedServer, answers: Answer[]): Promise<string[]> {
  const responses = answers.map((item, index) => ({
    id: item.id ?? crypto.randomUUID(),
    context: { url: 'https://shop.example/checkout', locale: 'en' },
    // One second apart, in the order given, so lists sort predictably.
    submittedAt: item.submittedAt ?? new Date(Date.now() - (answers.length - index) * 1000).toISOString(),
    ...item,
  }));
  const reply = await fetch(`${server.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify({ key: server.publicKey, responses }),
  });
  if (reply.status !== 202) throw new Error(`answer: ${reply.status} ${await reply.text()}`);
  return responses.map((response) => response.id);
}

/** Calls the management API with the project's secret key. */
export async function manage<T = unknown>(
  server: StartedServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const reply = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.secretKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!reply.ok) throw new Error(`${method} ${path}: ${reply.status} ${await reply.text()}`);
  return (reply.status === 204 ? undefined : await reply.json()) as T;
}

/**
 * axe-core violations on the page as it is now. The page needs a context made with
 * `{ bypassCSP: true }`: axe is injected as an inline script, which the inbox's CSP rightly refuses.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<any> } })
      .axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map(
      (violation: any) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node: any) => node.target.join(' ')).join(', ')})`,
    );
  });
}
