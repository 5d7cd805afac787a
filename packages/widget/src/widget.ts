import type { WidgetConfig } from '@closeloop/shared';
import { surveyKinds } from '@closeloop/shared/kinds';
import { cleanTraits } from './context.ts';
import { visitorLocale } from './locale.ts';
import { loadMemory, switchUser, updateMemory, type VisitorMemory } from './memory.ts';
import { createOutbox, type Outbox } from './outbox.ts';
import { watchRoutes } from './routes.ts';
import { guard, warnOnce } from './safe.ts';
import { pageStorage, type StorageLike } from './storage.ts';
import { isEligible, type WidgetSurvey } from './targeting.ts';
import type { Panel } from './ui/panel.ts';
import type { LoadUi, SurveyUi } from './ui-loader.ts';
import { uuid } from './uuid.ts';

/**
 * `required`: nothing is stored in the browser and no identity is sent until `consent(true)`.
 * `granted`: the site has consent (or needs none), whatever the browser's Global Privacy Control.
 * Not set: as granted, unless the browser sends Global Privacy Control, then as required.
 */
export type Consent = 'required' | 'granted';

/** A survey made due, waiting for its delay (and then for the UI). */
interface Pending {
  /** What made it due: an event name, or null for the page view. */
  trigger: string | null;
  timer?: ReturnType<typeof setTimeout>;
  /** Set when it no longer may show (route change, identify, reset, another survey shown). */
  cancelled?: boolean;
}

export interface WidgetOptions {
  /** The project's public key (`pk_…`). */
  key: string;
  /** Base URL of the Closeloop API, e.g. `https://feedback.example.com/`. */
  apiUrl: string;
  /** CSP nonce for the `<style>` fallback in browsers without constructable stylesheets. */
  nonce?: string | undefined;
  /** Loads the survey UI; asked for only when a survey is due or `show` is called. */
  loadUi: LoadUi;
  /** See `InitOptions.consent`. */
  consent?: Consent | undefined;
  /** Injection points for tests. */
  window?: Window;
  fetch?: typeof fetch;
  storage?: StorageLike;
  now?: () => number;
  random?: () => number;
}

export interface Widget {
  /** Loads the config, starts listening to the page and sends what earlier pages left unsent. */
  start(): void;
  /** Ties the visitor's survey history and answers to a user of the site (each user their own). */
  identify(userId: unknown, traits?: unknown, options?: unknown): void;
  /** Records a site event; surveys targeted at it become due. */
  track(eventName: unknown): void;
  /** Shows a survey now, whatever its targeting (still one at a time). */
  show(surveyId: unknown): void;
  /** Forgets the user, their traits and the anonymous history (on logout); users' histories stay. */
  reset(): void;
  /**
   * true: stores history and outbox in localStorage and sends the identity from now on. Anything
   * else: removes what the widget stored, keeps it in memory for this page, sends no identity.
   */
  consent(given: unknown): void;
  /** Removes the widget from the page; the outbox keeps unsent items for the next page. */
  stop(): void;
  /** The survey on screen, if any. */
  current(): Panel | undefined;
  /** Resolves when the config request is over, whatever its outcome. */
  ready(): Promise<void>;
  outbox: Outbox;
}

/**
 * One widget on one page: loads the project's config, decides which survey shows when, shows it,
 * and hands every answer to the outbox.
 */
export function createWidget(options: WidgetOptions): Widget {
  const win = options.window ?? window;
  const doc = win.document;
  const nav = win.navigator;
  let consented =
    options.consent === 'granted' ||
    (options.consent !== 'required' && !(nav as { globalPrivacyControl?: boolean }).globalPrivacyControl);
  const storage = options.storage ?? pageStorage(consented);
  const now = options.now ?? Date.now;
  const apiUrl = options.apiUrl.replace(/\/?$/, '/');
  const fetchFn = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => win.fetch(input, init));
  let config: WidgetConfig | undefined;
  let panel: Panel | undefined;
  /** Surveys waiting for their delay (or, after it, for the UI), and what made them due (null: the page view). */
  let pending: Pending[] = [];
  let ui: Promise<SurveyUi> | undefined;
  let failedUi: Promise<SurveyUi> | undefined;
  let stopped = false;
  let ready = Promise.resolve();
  // Events tracked and surveys asked for before the config arrived.
  let earlyEvents: string[] = [];
  let earlyShows: string[] = [];
  const cleanups: (() => void)[] = [];

  const outbox = createOutbox({
    publicKey: options.key,
    apiUrl,
    storage,
    fetch: fetchFn,
    sendBeacon: nav.sendBeacon && ((url, data) => nav.sendBeacon(url, data)),
    now,
    random: options.random,
    onRejected: (status, detail) => warnOnce(`feedback refused (${status})`, detail),
  });

  // Read from storage every time and changed in place there: another tab of the site may have shown
  // or answered a survey, or identified someone else, since this page loaded.
  const memory = () => loadMemory(storage, options.key);
  const remember = (change: (stored: VisitorMemory) => void) => updateMemory(storage, options.key, change);
  /** Cancels the pending surveys, or only those waiting since the page view. */
  const clearTimers = (pageViewOnly?: boolean) => {
    pending = pending.filter((waiting) => {
      const cancel = !pageViewOnly || waiting.trigger === null;
      if (cancel) {
        clearTimeout(waiting.timer);
        waiting.cancelled = true;
      }
      return !cancel;
    });
  };
  const forget = (waiting: Pending) => {
    pending = pending.filter((other) => other !== waiting);
  };
  /**
   * The survey UI, loaded once, when first asked for. If it cannot be loaded nothing shows (and
   * nothing is recorded as shown, so the survey is still due); the next page view, or route, tries
   * again.
   */
  const surveyUi = () => {
    if (!ui) {
      const loading = options.loadUi();
      loading.catch(() => {
        failedUi = loading;
      });
      ui = loading;
    }
    return ui;
  };
  /** Starts loading the UI ahead of need (a survey's delay runs meanwhile). */
  const prefetch = () => surveyUi().catch(() => undefined);
  const sendEvent = (surveyId: string, type: 'shown' | 'dismissed') =>
    outbox.add({ kind: 'event', item: { id: uuid(), surveyId, type, at: new Date(now()).toISOString() } });

  const eligible = (survey: WidgetSurvey) =>
    isEligible(survey, {
      url: new URL(win.location.href),
      now: now(),
      memory: memory(),
      cooldownDays: config?.appearance.cooldownDays ?? 14,
    });

  /** Shows a survey once the UI is there, unless it was cancelled meanwhile or another one opened. */
  const open = (survey: WidgetSurvey, waiting?: Pending): void => {
    if (panel || stopped || !config) return;
    void surveyUi()
      .then(
        guard((loaded: SurveyUi) => {
          if (!waiting?.cancelled) openWith(loaded, survey);
        }),
        (error) => warnOnce('survey could not be shown', error),
      )
      .finally(() => waiting && forget(waiting));
  };

  const openWith = (loaded: SurveyUi, survey: WidgetSurvey): void => {
    if (panel || stopped || !config) return;
    if (!doc.body) {
      doc.addEventListener(
        'DOMContentLoaded',
        guard(() => openWith(loaded, survey)),
        { once: true },
      );
      return;
    }
    const opened = loaded.openPanel({
      window: win,
      survey,
      locale: visitorLocale(memory().traits, doc, nav),
      appearance: config.appearance,
      nonce: options.nonce,
      responseId: uuid(),
      // without consent the answer goes without who gave it
      visitor: () => (consented ? memory() : { ...memory(), userId: null, traits: null }),
      now,
      onResponse(response) {
        remember((stored) => {
          stored.answered[survey.id] = now();
        });
        outbox.add({ kind: 'response', item: response });
      },
      onClose(answered) {
        panel = undefined;
        if (!answered) sendEvent(survey.id, 'dismissed');
      },
    });
    if (!opened) return;
    panel = opened;
    clearTimers();
    // recorded once it is on screen: a survey the UI failed to show is due again on a later page
    remember((stored) => {
      stored.shown[survey.id] = stored.lastShownAt = now();
    });
    sendEvent(survey.id, 'shown');
  };

  /**
   * Schedules every eligible survey triggered by `trigger`: a page view (null) for surveys without
   * an event, or an event name. The delay counts from the trigger; when it is over the rules are
   * checked again (the route or the visitor may have changed) and the first one due shows.
   */
  const evaluate = (trigger: string | null): void => {
    if (!config || panel) return;
    for (const survey of config.surveys) {
      if ((survey.targeting.onEvent ?? null) !== trigger || !eligible(survey)) continue;
      prefetch();
      const waiting: Pending = { trigger };
      waiting.timer = setTimeout(
        guard(() => (eligible(survey) ? open(survey, waiting) : forget(waiting))),
        Math.max(0, survey.targeting.delaySeconds ?? 0) * 1000,
      );
      pending.push(waiting);
    }
  };

  /**
   * Another page (a route change) or another person (identify): what the page view made due starts
   * over. Surveys due from a tracked event stay due; their rules are checked again when their delay
   * is over.
   */
  const pageChanged = () => {
    clearTimers(true);
    if (ui === failedUi) ui = undefined;
    evaluate(null);
  };

  const show = (surveyId: unknown) => {
    if (!config) {
      earlyShows.push(String(surveyId));
      // loaded while the config is on its way, so the survey shows as soon as the config is in
      prefetch();
    }
    const survey = config?.surveys.find((candidate) => candidate.id === surveyId);
    if (survey) open(survey);
  };

  const loadConfig = async (): Promise<void> => {
    try {
      const response = await fetchFn(`${apiUrl}v1/widget/config?key=${encodeURIComponent(options.key)}`, {
        credentials: 'omit',
      });
      if (!response.ok) throw response.status;
      const loaded = (await response.json()) as WidgetConfig;
      if (stopped) return;
      loaded.surveys = loaded.surveys.filter((survey) => surveyKinds.includes(survey.kind));
      config = loaded;
    } catch (error) {
      warnOnce('widget config unavailable', error);
      return;
    }
    evaluate(null);
    for (const eventName of earlyEvents) evaluate(eventName);
    for (const surveyId of earlyShows) show(surveyId);
    earlyEvents = earlyShows = [];
  };

  return {
    outbox,
    start() {
      const listen = (target: EventTarget, type: string, listener: () => void) => {
        const safe = guard(listener);
        target.addEventListener(type, safe);
        cleanups.push(() => target.removeEventListener(type, safe));
      };
      listen(win, 'pagehide', outbox.flushOnExit);
      listen(doc, 'visibilitychange', () => doc.visibilityState === 'hidden' && outbox.flushOnExit());
      listen(win, 'online', outbox.online);
      cleanups.push(watchRoutes(win, guard(pageChanged)));
      void outbox.flush();
      ready = loadConfig().catch(() => undefined);
    },
    identify(userId, traits, options) {
      if (typeof userId !== 'string' && typeof userId !== 'number') return;
      const before = memory().userId;
      const signature = (options as { signature?: unknown } | undefined)?.signature;
      const after = remember((stored) =>
        switchUser(
          stored,
          String(userId),
          cleanTraits(traits),
          typeof signature === 'string' ? signature.slice(0, 200) : undefined,
        ),
      );
      // a different person may be due for different surveys
      if (before !== after.userId) pageChanged();
    },
    track(eventName) {
      if (typeof eventName !== 'string') return;
      if (config) evaluate(eventName);
      else earlyEvents.push(eventName);
    },
    show,
    reset() {
      remember((stored) => switchUser(stored, null, null));
      clearTimers();
      panel?.close();
    },
    consent(given) {
      consented = given === true;
      storage.persist?.(consented);
      // what earlier pages left unsent is there to send now
      if (consented) void outbox.flush();
    },
    stop() {
      stopped = true;
      clearTimers();
      panel?.close();
      outbox.stop();
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
    current: () => panel,
    ready: () => ready,
  };
}
