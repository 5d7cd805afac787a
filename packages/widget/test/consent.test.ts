// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { consent } from '../src/index.ts';
import { merge, pageStorage } from '../src/storage.ts';

beforeEach(() => localStorage.clear());

describe('storage without consent', () => {
  it('keeps everything in memory until allowed, then stores it joined to what was there', () => {
    localStorage.setItem(
      'closeloop:pk_a:outbox',
      JSON.stringify({ entries: [{ entryId: 'old' }], attempt: 0, retryAt: 0 }),
    );
    const storage = pageStorage(false);
    storage.setItem(
      'closeloop:pk_a:outbox',
      JSON.stringify({ entries: [{ entryId: 'new' }], attempt: 0, retryAt: 0 }),
    );
    expect(JSON.parse(localStorage.getItem('closeloop:pk_a:outbox')!).entries).toEqual([{ entryId: 'old' }]);
    expect(JSON.parse(storage.getItem('closeloop:pk_a:outbox')!).entries).toEqual([{ entryId: 'new' }]);

    storage.persist!(true);
    // nothing an earlier page left unsent is lost
    expect(JSON.parse(localStorage.getItem('closeloop:pk_a:outbox')!).entries).toEqual([
      { entryId: 'old' },
      { entryId: 'new' },
    ]);
  });

  it('removes every closeloop entry when consent is withdrawn, keeping a copy for this page only', () => {
    localStorage.setItem('closeloop:pk_a:visitor', '{"visitorId":"v"}');
    localStorage.setItem('site-setting', 'kept');
    const storage = pageStorage(true);
    storage.persist!(false);
    expect(Object.keys(localStorage)).toEqual(['site-setting']);
    expect(storage.getItem('closeloop:pk_a:visitor')).toBe('{"visitorId":"v"}');
    storage.setItem('closeloop:pk_a:visitor', '{"visitorId":"w"}');
    expect(localStorage.getItem('closeloop:pk_a:visitor')).toBeNull();
  });

  it('joins histories keeping the latest times, and this page’s user', () => {
    const stored = { visitorId: 'a', userId: 'old', shown: { s1: 5, s2: 9 }, lastShownAt: 9, signature: 'x' };
    const kept = { visitorId: 'b', userId: null, shown: { s1: 7 }, lastShownAt: 7, signature: null };
    expect(merge(stored, kept)).toEqual({
      visitorId: 'b',
      userId: null,
      shown: { s1: 7, s2: 9 },
      lastShownAt: 9,
      signature: null,
    });
  });

  it('exports consent from the ES module, safe before init', () => {
    expect(() => consent(true)).not.toThrow();
  });
});
