import type { Page } from 'playwright-core';
import { staffPassword } from '../harness.ts';

/** Signs in through the inbox's own form. */
export async function signIn(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/inbox/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(staffPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
