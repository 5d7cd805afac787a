// @vitest-environment happy-dom
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as surveyUi from '../src/ui/index.ts';
import { uiProperty } from '../src/ui-loader.ts';
import { makeConfig, makeSurvey } from './helpers.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

type Stub = ((...args: unknown[]) => void) & { q?: IArguments[]; loaded?: boolean };

describe('script tag loader', () => {
  it('takes the API from its own src, replays the queued commands and replaces the stub', async () => {
    const survey = makeSurvey({ targeting: { onEvent: 'opened-cart' } });
    const configRequests: URL[] = [];
    const events: string[] = [];
    server.use(
      http.get('https://feedback.example.test/v1/widget/config', ({ request }) => {
        configRequests.push(new URL(request.url));
        return HttpResponse.json(makeConfig([survey]));
      }),
      http.post('https://feedback.example.test/v1/events', async ({ request }) => {
        events.push(...JSON.parse(await request.text()).events.map((event: { type: string }) => event.type));
        return new HttpResponse(null, { status: 202 });
      }),
    );

    // the documented stub, called before the script arrives
    const win = window as unknown as { closeloop: Stub };
    win.closeloop =
      win.closeloop ||
      function (this: unknown) {
        // the snippet pages paste, written out
        win.closeloop.q = win.closeloop.q || [];
        // biome-ignore lint/complexity/noArguments: the stub queues its arguments object as is
        win.closeloop.q.push(arguments);
      };
    const stub = win.closeloop;
    win.closeloop('identify', 'user-1', { locale: 'en' });
    win.closeloop('track', 'opened-cart');

    const script = document.createElement('script');
    script.src = 'https://feedback.example.test/widget.js';
    script.dataset.key = 'pk_loader';
    script.nonce = 'page-nonce';
    // The survey UI's script element: happy-dom runs no scripts, so this does what the UI file does
    // when it runs (it leaves itself on its element), and the element's load event follows.
    const settings = (window as unknown as { happyDOM: { settings: Record<string, boolean> } }).happyDOM
      .settings;
    settings.handleDisabledFileLoadingAsSuccess = true;
    const inserted: HTMLScriptElement[] = [];
    const append = document.head.append.bind(document.head);
    vi.spyOn(document.head, 'append').mockImplementation((...nodes) => {
      for (const node of nodes as (HTMLScriptElement & Record<string, unknown>)[]) {
        inserted.push(node);
        node[uiProperty] = surveyUi;
      }
      append(...nodes);
    });
    const currentScript = vi.spyOn(document, 'currentScript', 'get').mockReturnValue(script);
    await import('../src/loader.ts');
    currentScript.mockRestore();

    expect(win.closeloop).not.toBe(stub);
    expect(win.closeloop.loaded).toBe(true);
    await vi.waitFor(() => expect(document.querySelector('closeloop-widget')).not.toBeNull());
    // the UI came from beside widget.js, with the page's nonce, and its element is gone again
    expect(inserted.map((element) => [element.src, element.getAttribute('nonce')])).toEqual([
      ['https://feedback.example.test/widget-ui.js', 'page-nonce'],
    ]);
    expect(inserted[0]!.isConnected).toBe(false);
    expect(configRequests[0]!.searchParams.get('key')).toBe('pk_loader');
    const visitor = JSON.parse(localStorage.getItem('closeloop:pk_loader:visitor')!);
    expect(visitor.userId).toBe('user-1');

    // unknown commands and bad arguments are swallowed with at most a warning
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => win.closeloop('nonsense', 1, 2)).not.toThrow();
    expect(() => win.closeloop('constructor')).not.toThrow();
    expect(warn.mock.calls).toHaveLength(1);
    // the one warning says what went wrong, not an internal TypeError
    expect(warn.mock.calls[0]![0]).toBe('[closeloop] unknown command nonsense');
    // shown once it is on screen
    await vi.waitFor(() => expect(events).toEqual(['shown']));
  });
});
