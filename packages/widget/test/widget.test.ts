// @vitest-environment happy-dom
import type { WidgetConfig } from '@closeloop/shared';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { render } from 'preact';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetWarnings } from '../src/safe.ts';
import { h } from '../src/ui/h.ts';
import * as surveyUi from '../src/ui/index.ts';
import { Survey } from '../src/ui/survey.ts';
import type { LoadUi } from '../src/ui-loader.ts';
import { createWidget, type Widget } from '../src/widget.ts';
import { apiUrl, makeConfig, makeSurvey, memoryStorage, publicKey } from './helpers.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

interface Posted {
  responses: Record<string, any>[];
  events: { id: string; surveyId: string; type: string }[];
}

let posted: Posted;
let storage = memoryStorage();
const widgets: Widget[] = [];

beforeEach(() => {
  posted = { responses: [], events: [] };
  storage = memoryStorage();
  resetWarnings();
  history.replaceState(null, '', '/');
  document.documentElement.lang = '';
  server.use(
    http.post(`${apiUrl}v1/responses`, async ({ request }) => {
      posted.responses.push(...JSON.parse(await request.text()).responses);
      return new HttpResponse(null, { status: 202 });
    }),
    http.post(`${apiUrl}v1/events`, async ({ request }) => {
      posted.events.push(...JSON.parse(await request.text()).events);
      return new HttpResponse(null, { status: 202 });
    }),
  );
});

afterEach(() => {
  for (const widget of widgets.splice(0)) widget.stop();
  server.resetHandlers();
  vi.useRealTimers();
  document.body.replaceChildren();
});

function serveConfig(config: WidgetConfig | Response) {
  server.use(
    http.get(`${apiUrl}v1/widget/config`, ({ request }) => {
      expect(new URL(request.url).searchParams.get('key')).toBe(publicKey);
      return config instanceof Response ? config : HttpResponse.json(config);
    }),
  );
}

/** The survey UI as the ES module entry loads it (here without a network round trip). */
const loadUi: LoadUi = async () => surveyUi;

/** One page load of a site with the widget. */
async function load(config?: WidgetConfig | Response, before?: (widget: Widget) => void, ui = loadUi) {
  if (config) serveConfig(config);
  const widget = createWidget({
    key: publicKey,
    apiUrl,
    storage,
    fetch: (input, init) => globalThis.fetch(input, init),
    loadUi: ui,
  });
  widgets.push(widget);
  before?.(widget);
  widget.start();
  await widget.ready();
  return widget;
}

const host = () => document.querySelector('closeloop-widget');
const shadow = () => host()!.shadowRoot!;
const radios = () => [...shadow().querySelectorAll<HTMLElement>('[role=radio]')];
const shown = () => vi.waitFor(() => expect(host()).not.toBeNull());
/** Lets timers and pending requests run, then checks nothing appeared. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
/** Lets Preact apply a state change (it renders in a microtask). */
const rendered = async () => {
  await null;
  await null;
};

describe('showing a survey', () => {
  it('renders an NPS radiogroup whose ends are labelled, inside an open shadow root', async () => {
    await load(makeConfig([makeSurvey()]));
    await shown();
    expect(host()!.shadowRoot).not.toBeNull();
    const dialog = shadow().querySelector('[role=dialog]')!;
    expect(dialog.getAttribute('aria-label')).toBe('How likely are you to recommend us?');
    const group = shadow().querySelector('[role=radiogroup]')!;
    expect(shadow().getElementById(group.getAttribute('aria-labelledby')!)!.textContent).toBe(
      'How likely are you to recommend us?',
    );
    expect(radios().map((radio) => radio.textContent)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ]);
    expect(radios().every((radio) => radio.getAttribute('aria-checked') === 'false')).toBe(true);
    expect(radios().map((radio) => radio.getAttribute('tabindex'))).toEqual(['0', ...Array(10).fill('-1')]);
    const describedBy = (radio: HTMLElement) =>
      shadow().getElementById(radio.getAttribute('aria-describedby')!)!.textContent;
    expect(describedBy(radios()[0]!)).toBe('Not at all likely');
    expect(describedBy(radios()[10]!)).toBe('Extremely likely');
    expect(radios()[5]!.hasAttribute('aria-describedby')).toBe(false);
  });

  it('gives CSAT options text labels and CES an agree scale', async () => {
    await load(makeConfig([makeSurvey({ kind: 'csat' })]));
    await shown();
    expect(radios().map((radio) => radio.textContent)).toEqual([
      'Very dissatisfied',
      'Dissatisfied',
      'Neutral',
      'Satisfied',
      'Very satisfied',
    ]);
    widgets[0]!.stop();
    storage = memoryStorage();
    await load(
      makeConfig([
        makeSurvey({ kind: 'ces', texts: { en: { question: 'It was easy.', highLabel: 'Yes!' } } }),
      ]),
    );
    await shown();
    expect(radios()).toHaveLength(7);
    expect(shadow().getElementById('cl-lo')!.textContent).toBe('Strongly disagree');
    expect(shadow().getElementById('cl-hi')!.textContent).toBe('Yes!');
  });

  it('waits for the delay', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await load(makeConfig([makeSurvey({ targeting: { delaySeconds: 5 } })]));
    await vi.advanceTimersByTimeAsync(4900);
    expect(host()).toBeNull();
    await vi.advanceTimersByTimeAsync(100);
    expect(host()).not.toBeNull();
  });

  it('records the impression', async () => {
    const survey = makeSurvey();
    await load(makeConfig([survey]));
    await shown();
    await vi.waitFor(() =>
      expect(posted.events).toEqual([expect.objectContaining({ surveyId: survey.id, type: 'shown' })]),
    );
  });

  it('shows one survey at a time', async () => {
    await load(makeConfig([makeSurvey(), makeSurvey()]));
    await shown();
    await settle();
    expect(document.querySelectorAll('closeloop-widget')).toHaveLength(1);
  });

  it('applies the brand colour with a constructable stylesheet', async () => {
    await load(makeConfig([makeSurvey()], { brandColor: '#ff6600', position: 'top-left' }));
    await shown();
    const css = [...shadow().adoptedStyleSheets[0]!.cssRules].map((rule) => rule.cssText).join('\n');
    expect(css).toContain('#ff6600');
    expect(shadow().querySelector('style')).toBeNull();
  });

  it('falls back to a <style> with the nonce where constructable stylesheets are missing', async () => {
    vi.stubGlobal('CSSStyleSheet', undefined);
    try {
      serveConfig(makeConfig([makeSurvey()]));
      const widget = createWidget({
        key: publicKey,
        apiUrl,
        storage,
        nonce: 'n0nce',
        fetch: (i, init) => globalThis.fetch(i, init),
        loadUi,
      });
      widgets.push(widget);
      widget.start();
      await shown();
      const style = shadow().querySelector('style')!;
      expect(style.nonce || style.getAttribute('nonce')).toBe('n0nce');
      expect(style.textContent).toContain(':host');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('the survey UI, loaded when a survey is due', () => {
  it('is not loaded on a page view where no survey is due', async () => {
    const loads = vi.fn(loadUi);
    const widget = await load(
      makeConfig([
        makeSurvey({ targeting: { urlInclude: ['/pricing'] } }),
        makeSurvey({ targeting: { onEvent: 'paid' } }),
        makeSurvey({ targeting: { samplePercent: 0 } }),
      ]),
      undefined,
      loads,
    );
    widget.track('signed-up');
    await settle();
    expect(loads).not.toHaveBeenCalled();
    widget.track('paid');
    await shown();
    expect(loads).toHaveBeenCalledTimes(1);
  });

  it('starts loading as soon as a survey is due, while its delay runs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const loads = vi.fn(loadUi);
    await load(makeConfig([makeSurvey({ targeting: { delaySeconds: 5 } })]), undefined, loads);
    expect(loads).toHaveBeenCalledTimes(1);
    expect(host()).toBeNull();
    await vi.advanceTimersByTimeAsync(5000);
    expect(host()).not.toBeNull();
    expect(loads).toHaveBeenCalledTimes(1);
  });

  it('on show(), loads while the config is still on its way', async () => {
    const survey = makeSurvey({ targeting: { urlInclude: ['/never'] } });
    let sendConfig = () => {};
    const configSent = new Promise<void>((resolve) => {
      sendConfig = resolve;
    });
    server.use(
      http.get(`${apiUrl}v1/widget/config`, async () => {
        await configSent;
        return HttpResponse.json(makeConfig([survey]));
      }),
    );
    const loads = vi.fn(loadUi);
    const loading = load(undefined, (widget) => widget.show(survey.id), loads);
    await settle();
    expect(loads).toHaveBeenCalledTimes(1);
    expect(host()).toBeNull();
    sendConfig();
    await loading;
    await shown();
  });

  it('shows nothing, records nothing and throws nothing when it cannot be loaded; a later page view tries again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const survey = makeSurvey({ recontact: { afterDays: 30 } });
    const failing = vi.fn(() => Promise.reject(new Error('widget-ui.js: 404')));
    const widget = await load(makeConfig([survey]), undefined, failing);
    await settle();
    widget.show(survey.id);
    await settle();
    expect(host()).toBeNull();
    expect(failing).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(posted.events).toEqual([]);
    expect(storage.getItem(`closeloop:${publicKey}:visitor`) ?? '{}').not.toContain(survey.id);

    // a route change of a single-page app is a page view too
    history.pushState(null, '', '/next');
    await settle();
    expect(failing).toHaveBeenCalledTimes(2);
    widget.stop();

    await load(makeConfig([survey]));
    await shown();
    await vi.waitFor(() => expect(posted.events.map((event) => event.type)).toEqual(['shown']));
  });
});

describe('answering', () => {
  it('sends the score at once, then the comment with the same id, then thanks and closes', async () => {
    const survey = makeSurvey({
      texts: {
        en: { question: 'Recommend us?', followUp: { negative: 'What went wrong?' }, thankYou: 'Merci!' },
      },
    });
    const widget = await load(makeConfig([survey]));
    widget.identify('user-7', { email: 'ada@example.com', plan: 'pro', nested: { no: 1 } });
    await shown();
    radios()[3]!.click();
    await vi.waitFor(() => expect(posted.responses).toHaveLength(1));
    const [first] = posted.responses;
    expect(first).toMatchObject({
      surveyId: survey.id,
      score: 3,
      respondent: {
        externalId: 'user-7',
        email: 'ada@example.com',
        traits: { email: 'ada@example.com', plan: 'pro' },
      },
      context: { url: 'http://localhost:3000/', locale: 'en-US' },
    });
    expect(first!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first!.comment).toBeUndefined();

    expect(shadow().querySelector('label')!.textContent).toBe('What went wrong?');
    const textarea = shadow().querySelector('textarea')!;
    expect(shadow().activeElement).toBe(textarea);
    textarea.value = '  The checkout is slow  ';
    shadow().querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await vi.waitFor(() => expect(posted.responses).toHaveLength(2));
    expect(posted.responses[1]).toEqual({ ...first, comment: 'The checkout is slow' });

    expect(shadow().querySelector('[aria-live=polite]')!.textContent).toBe('Merci!');
    await vi.waitFor(() => expect(host()).toBeNull(), { timeout: surveyUi.thanksMs + 1000 });
    expect(posted.events.map((event) => event.type)).toEqual(['shown']);
  });

  it("sends identify's signature with the identity, and forgets it for another user or after reset", async () => {
    const survey = makeSurvey();
    const widget = await load(makeConfig([survey]));
    widget.identify('user-7', { plan: 'pro' }, { signature: 'ab'.repeat(32) });
    widget.identify('user-7', { plan: 'max' });
    await shown();
    radios()[9]!.click();
    await vi.waitFor(() => expect(posted.responses).toHaveLength(1));
    expect(posted.responses[0]!.respondent).toEqual({
      externalId: 'user-7',
      traits: { plan: 'max' },
      signature: 'ab'.repeat(32),
    });
    widget.identify('user-8', null, { signature: 42 });
    expect(JSON.parse(storage.getItem(`closeloop:${publicKey}:visitor`)!).signature).toBeNull();
    widget.identify('user-9', null, { signature: 'cd'.repeat(32) });
    widget.reset();
    expect(storage.getItem(`closeloop:${publicKey}:visitor`)).not.toContain('cd'.repeat(32));
  });

  it('asks the follow-up that fits the score band', async () => {
    await load(makeConfig([makeSurvey()]));
    await shown();
    radios()[9]!.click();
    await rendered();
    expect(shadow().querySelector('label')!.textContent).toBe('What did you like most?');
  });

  it('skips the second send when the comment is empty', async () => {
    await load(makeConfig([makeSurvey()]));
    await shown();
    radios()[8]!.click();
    await rendered();
    shadow().querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await settle();
    expect(posted.responses).toHaveLength(1);
  });

  it('records a dismissal before an answer, and none after', async () => {
    const survey = makeSurvey();
    await load(makeConfig([survey]));
    await shown();
    shadow().querySelector<HTMLButtonElement>('.close')!.click();
    expect(host()).toBeNull();
    await vi.waitFor(() => expect(posted.events.map((event) => event.type)).toEqual(['shown', 'dismissed']));

    storage = memoryStorage();
    posted.events = [];
    await load(makeConfig([survey]));
    await shown();
    radios()[10]!.click();
    shadow().querySelector<HTMLButtonElement>('.close')!.click();
    await settle();
    expect(posted.events.map((event) => event.type)).toEqual(['shown']);
  });
});

describe('hostile pages', () => {
  it('renders and answers whatever the page put on Object.prototype', async () => {
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.onclick = 'not a function';
    prototype['not an attribute'] = 1;
    const picked: number[] = [];
    const container = document.createElement('div');
    try {
      render(
        h(Survey, {
          kind: 'nps',
          texts: { question: 'Recommend us?' },
          locale: 'en',
          theme: 'auto',
          onPick: (score: number) => picked.push(score),
        }),
        container,
      );
      const options = [...container.querySelectorAll<HTMLElement>('[role=radio]')];
      expect(options).toHaveLength(11);
      expect(options[0]!.hasAttribute('not an attribute')).toBe(false);
      options[7]!.click();
      await rendered();
    } finally {
      delete prototype.onclick;
      delete prototype['not an attribute'];
    }
    expect(picked).toEqual([7]);
    expect(container.querySelector('textarea')).not.toBeNull();
    render(null, container);
  });
});

describe('keyboard', () => {
  const key = (target: Element, name: string) =>
    target.dispatchEvent(
      new KeyboardEvent('keydown', { key: name, bubbles: true, composed: true, cancelable: true }),
    );
  const focused = () => radios().indexOf(shadow().activeElement as HTMLElement);

  it('takes focus when nothing on the page has it, and moves it with arrows, Home and End', async () => {
    await load(makeConfig([makeSurvey()]));
    await shown();
    expect(focused()).toBe(0);
    key(radios()[0]!, 'ArrowRight');
    expect(focused()).toBe(1);
    await rendered();
    expect(radios()[1]!.getAttribute('tabindex')).toBe('0');
    expect(radios().filter((radio) => radio.getAttribute('tabindex') === '0')).toHaveLength(1);
    key(radios()[1]!, 'End');
    expect(focused()).toBe(10);
    key(radios()[10]!, 'ArrowDown');
    expect(focused()).toBe(0);
    key(radios()[0]!, 'ArrowLeft');
    expect(focused()).toBe(10);
    key(radios()[10]!, 'Home');
    expect(focused()).toBe(0);
    expect(radios().every((radio) => radio.getAttribute('aria-checked') === 'false')).toBe(true);
  });

  it('moves focus between the same buttons; the dialog stays the same element from step to step', async () => {
    await load(makeConfig([makeSurvey()]));
    await shown();
    const root = shadow().querySelector('.root')!;
    const [first, second] = radios();
    key(first!, 'ArrowRight');
    expect(shadow().activeElement).toBe(second);
    expect(second!.isConnected && first!.isConnected).toBe(true);
    expect(shadow().querySelector('.root')).toBe(root);
    second!.click();
    await rendered();
    expect(shadow().querySelector('.root')).toBe(root);
    expect(shadow().activeElement).toBe(shadow().querySelector('textarea'));
  });

  it('announces the thank-you in the live region that was there from the start', async () => {
    await load(
      makeConfig([makeSurvey({ texts: { en: { question: 'Recommend us?', thankYou: 'Merci!' } } })]),
    );
    await shown();
    const live = shadow().querySelector('[aria-live=polite]')!;
    expect(live.textContent).toBe('');
    radios()[9]!.click();
    await rendered();
    expect(shadow().querySelector('[aria-live=polite]')).toBe(live);
    shadow().querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await rendered();
    expect(shadow().querySelector('[aria-live=polite]')).toBe(live);
    expect(live.textContent).toBe('Merci!');
    expect(shadow().querySelectorAll('[aria-live]')).toHaveLength(1);
  });

  it('keeps the keys it handles from the page', async () => {
    const seen: string[] = [];
    const page = (event: KeyboardEvent) => seen.push(event.key);
    document.addEventListener('keydown', page);
    await load(makeConfig([makeSurvey()]));
    await shown();
    const arrow = new KeyboardEvent('keydown', {
      key: 'ArrowRight',
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    radios()[0]!.dispatchEvent(arrow);
    const closing = new KeyboardEvent('keydown', {
      key: 'Escape',
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    radios()[1]!.dispatchEvent(closing);
    expect(arrow.defaultPrevented && closing.defaultPrevented).toBe(true);
    document.removeEventListener('keydown', page);
    expect(seen).toEqual([]);
    expect(host()).toBeNull();
  });

  it('gives focus back to the last element focused on the page, not to where it was at the start', async () => {
    await load(makeConfig([makeSurvey()]));
    await shown();
    expect(focused()).toBe(0); // nothing had focus: the widget took it
    const input = document.createElement('input');
    document.body.append(input);
    input.focus();
    radios()[0]!.focus();
    key(radios()[0]!, 'Escape');
    expect(host()).toBeNull();
    expect(document.activeElement).toBe(input);
  });

  it('mirrors left and right in a right-to-left language', async () => {
    await load(
      makeConfig([
        makeSurvey({ texts: { ar: { question: 'ما مدى احتمال أن توصي بنا؟' } }, defaultLocale: 'ar' }),
      ]),
    );
    await shown();
    expect(shadow().querySelector('.root')!.getAttribute('dir')).toBe('rtl');
    key(radios()[0]!, 'ArrowLeft');
    expect(focused()).toBe(1);
  });

  it('leaves Escape to the input method while a comment is being composed', async () => {
    await load(makeConfig([makeSurvey()]));
    await shown();
    radios()[9]!.click();
    await rendered();
    const textarea = shadow().querySelector('textarea')!;
    textarea.value = 'とても';
    const composing = new KeyboardEvent('keydown', {
      key: 'Escape',
      isComposing: true,
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    textarea.dispatchEvent(composing);
    expect(composing.defaultPrevented).toBe(false);
    expect(shadow().querySelector('textarea')).toBe(textarea);
    key(textarea, 'Escape');
    expect(host()).toBeNull();
  });

  it('does not steal focus from a field being typed in; Escape closes and gives focus back', async () => {
    const input = document.createElement('input');
    document.body.append(input);
    input.focus();
    await load(makeConfig([makeSurvey()]));
    await shown();
    expect(document.activeElement).toBe(input);
    radios()[4]!.focus();
    key(radios()[4]!, 'Escape');
    expect(host()).toBeNull();
    expect(document.activeElement).toBe(input);
  });
});

describe('which survey, when', () => {
  it('re-evaluates on single-page route changes', async () => {
    await load(makeConfig([makeSurvey({ targeting: { urlInclude: ['/pricing'] } })]));
    await settle();
    expect(host()).toBeNull();
    history.pushState(null, '', '/pricing');
    await shown();
  });

  it('cancels a pending survey when the route leaves its pages', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    history.replaceState(null, '', '/pricing');
    await load(makeConfig([makeSurvey({ targeting: { urlInclude: ['/pricing'], delaySeconds: 5 } })]));
    await vi.advanceTimersByTimeAsync(2000);
    history.pushState(null, '', '/about');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(host()).toBeNull();
  });

  it('keeps a survey due from a tracked event through route changes, if its pages still match', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    history.replaceState(null, '', '/checkout');
    const survey = makeSurvey({
      targeting: { onEvent: 'paid', delaySeconds: 5, urlInclude: ['/checkout*'] },
      recontact: { afterDays: 0 },
    });
    const widget = await load(makeConfig([survey]));
    widget.track('paid');
    await vi.advanceTimersByTimeAsync(2000);
    history.pushState(null, '', '/checkout/done');
    await vi.advanceTimersByTimeAsync(3000);
    expect(host()).not.toBeNull();
    shadow().querySelector<HTMLButtonElement>('.close')!.click();

    widget.track('paid');
    await vi.advanceTimersByTimeAsync(2000);
    history.pushState(null, '', '/about');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(host()).toBeNull();
  });

  it('shows an event-targeted survey after track(), also when tracked before the config arrived', async () => {
    const config = makeConfig([makeSurvey({ targeting: { onEvent: 'checkout' } })]);
    await load(config);
    await settle();
    expect(host()).toBeNull();
    widgets[0]!.track('signup');
    await settle();
    expect(host()).toBeNull();
    widgets[0]!.track('checkout');
    await shown();

    widgets[0]!.stop();
    storage = memoryStorage();
    await load(config, (widget) => widget.track('checkout'));
    await shown();
  });

  it('show() ignores targeting', async () => {
    const survey = makeSurvey({ targeting: { samplePercent: 0, urlInclude: ['/never'] } });
    const widget = await load(makeConfig([survey]));
    await settle();
    expect(host()).toBeNull();
    widget.show(survey.id);
    await shown();
  });

  it('does not ask again on the next page load before recontact.afterDays', async () => {
    const config = makeConfig([makeSurvey({ recontact: { showOnce: false, afterDays: 30 } })]);
    await load(config);
    await shown();
    widgets[0]!.stop();
    await load(config);
    await settle();
    expect(host()).toBeNull();
  });

  it('keeps the project cooldown across surveys', async () => {
    await load(makeConfig([makeSurvey()], { cooldownDays: 14 }));
    await shown();
    widgets[0]!.stop();
    await load(makeConfig([makeSurvey()], { cooldownDays: 14 }));
    await settle();
    expect(host()).toBeNull();
  });

  it('ties history to the user: a different user starts fresh, reset forgets', async () => {
    const config = makeConfig([makeSurvey()]);
    const first = await load(config, (widget) => widget.identify('alice'));
    await shown();
    first.stop();

    const second = await load(config, (widget) => widget.identify('alice'));
    await settle();
    expect(host()).toBeNull();
    second.identify('bob');
    await shown();
    second.stop();

    const third = await load(config);
    await settle();
    expect(host()).toBeNull();
    third.reset();
    third.stop();
    await load(config);
    await shown();
  });
});

describe('several tabs and users', () => {
  const closeButton = () => shadow().querySelector<HTMLButtonElement>('.close')!;
  const stored = () => JSON.parse(storage.getItem(`closeloop:${publicKey}:visitor`)!);

  it('does not show a survey again that another tab has since answered', async () => {
    const config = makeConfig([
      makeSurvey({ targeting: { onEvent: 'paid' }, recontact: { showOnce: true } }),
    ]);
    const firstTab = await load(config);
    const secondTab = await load(config); // open at the same time, over the same localStorage
    firstTab.track('paid');
    await shown();
    radios()[9]!.click();
    closeButton().click();
    secondTab.track('paid');
    await settle();
    expect(host()).toBeNull();
  });

  it("keeps another tab's answers when it records its own", async () => {
    const once = makeSurvey({ targeting: { onEvent: 'paid' }, recontact: { showOnce: true } });
    const other = makeSurvey({ targeting: { onEvent: 'chat' } });
    const config = makeConfig([once, other]);
    const firstTab = await load(config);
    const secondTab = await load(config);
    firstTab.track('paid');
    await shown();
    radios()[9]!.click();
    closeButton().click();
    secondTab.track('chat');
    await shown();
    closeButton().click();
    expect(Object.keys(stored().answered)).toEqual([once.id]);
    expect(Object.keys(stored().shown).sort()).toEqual([once.id, other.id].sort());
  });

  it('keeps each user their own history: A, then B, then A again is not asked again', async () => {
    const survey = makeSurvey({ targeting: { onEvent: 'paid' }, recontact: { showOnce: true } });
    const widget = await load(makeConfig([survey]));
    widget.identify('alice');
    const alicesDraw = stored().visitorId;
    widget.track('paid');
    await shown();
    radios()[9]!.click();
    closeButton().click();

    widget.identify('bob');
    widget.track('paid');
    await shown();
    closeButton().click();

    widget.identify('alice');
    expect(stored().visitorId).toBe(alicesDraw);
    widget.track('paid');
    await settle();
    expect(host()).toBeNull();

    // logging out forgets who she is, not what she answered
    widget.reset();
    expect(stored()).toMatchObject({ userId: null, traits: null, answered: {} });
    expect(stored().visitorId).not.toBe(alicesDraw);
    widget.identify('alice');
    widget.track('paid');
    await settle();
    expect(host()).toBeNull();
  });

  it('keeps the history of the last 20 users only', async () => {
    const widget = await load(makeConfig([]));
    for (let i = 0; i < 30; i++) widget.identify(`user-${i}`);
    expect(stored().userId).toBe('user-29');
    expect(stored().users.map((user: { userId: string }) => user.userId)).toEqual(
      Array.from({ length: 20 }, (_, i) => `user-${i + 9}`),
    );
  });

  it('keeps a survey triggered by track() waiting through identify()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const widget = await load(makeConfig([makeSurvey({ targeting: { onEvent: 'paid', delaySeconds: 5 } })]));
    widget.track('paid');
    await vi.advanceTimersByTimeAsync(2000);
    widget.identify('user-1', { plan: 'pro' });
    await vi.advanceTimersByTimeAsync(2900);
    expect(host()).toBeNull();
    await vi.advanceTimersByTimeAsync(100);
    expect(host()).not.toBeNull();
  });

  it('checks a waiting survey again for the user who identified meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const survey = makeSurvey({
      targeting: { onEvent: 'paid', delaySeconds: 5 },
      recontact: { showOnce: true },
    });
    const widget = await load(makeConfig([survey]));
    widget.identify('alice');
    widget.track('paid');
    await vi.advanceTimersByTimeAsync(5000);
    radios()[9]!.click();
    closeButton().click();
    widget.reset();

    widget.track('paid'); // an anonymous visitor may be asked…
    await vi.advanceTimersByTimeAsync(2000);
    widget.identify('alice'); // …but it is Alice, who already answered
    await vi.advanceTimersByTimeAsync(10_000);
    expect(host()).toBeNull();
  });
});

describe('languages', () => {
  const texts = { en: { question: 'Recommend us?' }, de: { question: 'Würden Sie uns empfehlen?' } };

  it('uses the locale trait from identify first', async () => {
    await load(makeConfig([makeSurvey({ texts })]), (widget) => widget.identify('u', { locale: 'de-AT' }));
    await shown();
    expect(shadow().querySelector('.q')!.textContent).toBe('Würden Sie uns empfehlen?');
    expect(shadow().querySelector('.close')!.getAttribute('aria-label')).toBe('Schließen');
    expect(shadow().querySelector('.root')!.getAttribute('lang')).toBe('de');
  });

  it('then <html lang>, and falls back to the default locale with matching built-in strings', async () => {
    document.documentElement.lang = 'fr';
    await load(makeConfig([makeSurvey({ texts })]));
    await shown();
    expect(shadow().querySelector('.q')!.textContent).toBe('Recommend us?');
    expect(shadow().querySelector('.close')!.getAttribute('aria-label')).toBe('Close');
  });
});

describe('failures stay out of the page', () => {
  it('shows nothing and warns once for a wrong key', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error');
    const widget = await load(
      HttpResponse.json(
        { status: 401, code: 'invalid_public_key' },
        { status: 401, headers: { 'content-type': 'application/problem+json' } },
      ),
    );
    widget.track('x');
    widget.show('anything');
    widget.identify('someone');
    await settle();
    expect(host()).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(error).not.toHaveBeenCalled();
  });

  it('shows nothing and throws nothing when the API is down', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await expect(load(HttpResponse.error())).resolves.toBeDefined();
    await settle();
    expect(host()).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('keeps working when storage throws', async () => {
    storage = {
      data: new Map(),
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    await load(makeConfig([makeSurvey()]));
    await shown();
    expect(() => radios()[7]!.click()).not.toThrow();
  });

  it('ignores malformed calls', async () => {
    const widget = await load(makeConfig([]));
    expect(() => {
      widget.identify(undefined as never, 'not traits');
      widget.track(42 as never);
      widget.show({} as never);
    }).not.toThrow();
  });
});
