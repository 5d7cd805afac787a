import { describe, expect, it } from 'vitest';
import { pageTitle } from '../src/app/routes.ts';

describe('the browser tab title', () => {
  it('names the page, then the project', () => {
    expect(pageTitle('/inbox', 'Shop')).toBe('Inbox · Shop · Closeloop');
    expect(pageTitle('/responses/4b0c6c6e-1d1e-4f7a-9a55-1b0d2c3e4f5a', 'Shop')).toBe(
      'Response · Shop · Closeloop',
    );
    expect(pageTitle('/admin/surveys/new', 'Shop')).toBe('New survey · Shop · Closeloop');
    expect(pageTitle('/admin/surveys/4b0c6c6e', 'Shop')).toBe('Edit survey · Shop · Closeloop');
    expect(pageTitle('/admin/keys', 'Shop')).toBe('Secret keys · Shop · Closeloop');
  });

  it('says Not found for an address that is no page', () => {
    expect(pageTitle('/nowhere', 'Shop')).toBe('Not found · Shop · Closeloop');
  });
});
