// @vitest-environment happy-dom
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { ReplyPanel } from '../src/features/response/ReplyPanel.tsx';
import { responseRecord, session } from './msw/fixtures.ts';
import { render, sent } from './msw/setup.tsx';

describe('reply form', () => {
  it('is disabled with a setup hint when the server cannot send mail', () => {
    const page = render(<ReplyPanel record={responseRecord(1)} />, session({ email: false }));
    expect(page.querySelector('[data-testid="mail-not-set-up"]')?.textContent).toContain('SMTP_URL');
    expect(page.querySelector<HTMLFieldSetElement>('fieldset')!.disabled).toBe(true);
  });

  it('is enabled when mail is set up, and sends a reply the API accepts', async () => {
    const page = render(<ReplyPanel record={responseRecord(1)} />, session({ email: true }));
    expect(page.querySelector('[data-testid="mail-not-set-up"]')).toBeNull();
    expect(page.querySelector<HTMLFieldSetElement>('fieldset')!.disabled).toBe(false);
    const body = page.querySelector<HTMLTextAreaElement>('textarea')!;
    body.value = 'Thanks for telling us.';
    act(() => {
      body.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => {
      page.querySelector('form')!.requestSubmit();
    });
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({
      method: 'POST',
      path: `/v1/responses/${responseRecord(1).id}/replies`,
      body: { body: 'Thanks for telling us.' },
    });
  });
});
