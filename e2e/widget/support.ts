/** Shared pieces of the widget's browser scenarios (each scenario is a folder next to this file). */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser } from '../browser.ts';
import { type StartedServer, type StartOptions, startServer } from '../harness.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** A plain page with the script-tag widget, for scenarios that need nothing else on the page. */
export const plainPage = join(dirname(fileURLToPath(import.meta.url)), 'plain-page');
export const examplesDir = join(repoRoot, 'examples');
export const widgetDir = join(repoRoot, 'packages/widget');

const newest = (dir: string): number =>
  Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
    ),
  );

/** The API serves packages/widget/dist; `pnpm test` builds it first, a direct run builds it here. */
export function ensureWidgetBuilt(): void {
  const bundle = join(widgetDir, 'dist/widget.js');
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newest(join(widgetDir, 'src'))) {
    execFileSync(process.execPath, [join(widgetDir, 'build.mjs')], { stdio: 'ignore' });
  }
}

/**
 * The built ES module and the survey UI it imports from beside itself, by URL path, for a page that
 * serves them from its own origin: `{ '/widget.mjs': …, '/widget-ui.<hash>.mjs': … }`.
 */
export function widgetModuleFiles(): Record<string, string> {
  const core = join(widgetDir, 'dist/widget.mjs');
  const ui = /widget-ui\.[0-9a-f]+\.mjs/.exec(readFileSync(core, 'utf8'))?.[0];
  if (!ui) throw new Error('dist/widget.mjs names no survey UI module');
  return { '/widget.mjs': core, [`/${ui}`]: join(widgetDir, 'dist', ui) };
}

/** axe-core's browser build, to inject into pages. */
export const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Fixture {
  url: string;
  close(): Promise<void>;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
};

/**
 * Serves a folder on 127.0.0.1 (another origin than the API, so CORS is real). In HTML files each
 * key of `replace` is replaced by its value, e.g. `{ '%API%': server.url, '%KEY%': server.publicKey }`.
 */
export async function serveFixture(
  folder: string,
  replace: Record<string, string> = {},
  headers: Record<string, string> = {},
  /** Extra files by URL path, e.g. { '/widget.mjs': absolute path }. */
  files: Record<string, string> = {},
): Promise<Fixture> {
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const file = files[path] ?? normalize(join(folder, path.endsWith('/') ? `${path}index.html` : path));
    if (!(file.startsWith(folder) || files[path]) || !existsSync(file) || !types[extname(file)]) {
      response.writeHead(404).end();
      return;
    }
    let body = readFileSync(file, 'utf8');
    if (file.endsWith('.html'))
      for (const [from, to] of Object.entries(replace)) body = body.replaceAll(from, to);
    response.writeHead(200, {
      'content-type': types[extname(file)]!,
      'cache-control': 'no-store',
      ...headers,
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Placeholders of the scenario fixtures. */
export const fixtureValues = (server: StartedServer) => ({ '%API%': server.url, '%KEY%': server.publicKey });

export interface PageWatch {
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** console.error messages (Chromium also logs CSP violations and failed requests here). */
  consoleErrors: string[];
  warnings: string[];
}

export function watch(page: Page): PageWatch {
  const watched: PageWatch = { pageErrors: [], consoleErrors: [], warnings: [] };
  page.on('pageerror', (error) => watched.pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error')
      watched.consoleErrors.push(`${message.text()} (${message.location().url})`);
    if (message.type() === 'warning') watched.warnings.push(message.text());
  });
  return watched;
}

/** The widget's host element and the parts of it the scenarios look at (Playwright pierces open shadow roots). */
export const widget = (page: Page) => ({
  host: page.locator('closeloop-widget'),
  root: page.locator('closeloop-widget .root'),
  radio: (name: string) => page.getByRole('radio', { name, exact: true }),
  radios: page.locator('closeloop-widget [role=radio]'),
  comment: page.locator('closeloop-widget textarea'),
  send: page.locator('closeloop-widget button[type=submit]'),
  close: page.locator('closeloop-widget .close'),
  live: page.locator('closeloop-widget [aria-live=polite]'),
});

/** Text of the element focused inside the widget (through its shadow root). */
export const focusedInWidget = (page: Page) =>
  page.evaluate(
    () => document.querySelector('closeloop-widget')?.shadowRoot?.activeElement?.textContent ?? null,
  );

export interface ResponseRow {
  id: string;
  survey_id: string;
  score: number;
  comment: string | null;
  locale: string | null;
  external_id: string | null;
}

/** The responses stored for the server's project. */
export function storedResponses(server: StartedServer): Promise<ResponseRow[]> {
  return server.query<ResponseRow>(
    `select r.id, r.survey_id, r.score, r.comment, r.locale, p.external_id
       from responses r left join respondents p on p.project_id = r.project_id and p.id = r.respondent_id
      where r.project_id = $1 order by r.submitted_at`,
    [server.projectId],
  );
}

/** Waits until `count` responses are stored, then returns them. */
export async function waitForResponses(server: StartedServer, count: number, timeout = 15_000) {
  await expect
    .poll(async () => (await storedResponses(server)).length, { timeout, interval: 100 })
    .toBe(count);
  return storedResponses(server);
}

/** The widget's outbox in the page's localStorage. */
export const outboxOf = (page: Page, publicKey: string) =>
  page.evaluate(
    (key) => JSON.parse(localStorage.getItem(`closeloop:${key}:outbox`) ?? '{"entries":[]}'),
    publicKey,
  ) as Promise<{ entries: { item: { id: string } }[]; attempt: number; retryAt: number }>;

export interface Scenario {
  server: StartedServer;
  browser: Browser;
  fixture: Fixture;
}

/**
 * Starts, for the enclosing describe block, the real API (fresh database), Chromium and a server for
 * the scenario's folder (its HTML with %API% and %KEY% filled in); stops them afterwards.
 */
export function useScenario(
  folder: string,
  options: StartOptions = {},
  replace: (server: StartedServer) => Record<string, string> = fixtureValues,
): Scenario {
  const scenario = {} as Scenario;
  beforeAll(async () => {
    ensureWidgetBuilt();
    scenario.server = await startServer(options);
    scenario.browser = await launchBrowser();
    scenario.fixture = await serveFixture(folder, replace(scenario.server));
  });
  afterAll(async () => {
    await scenario.browser?.close();
    await scenario.fixture?.close();
    await scenario.server?.close();
  });
  return scenario;
}
