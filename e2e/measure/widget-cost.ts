/**
 * What the widget costs a page, measured in real Chromium on loopback — a measurement, not a test
 * (its numbers go into ARCHITECTURE.md). Run `pnpm build`, then `pnpm measure:widget [runs]`.
 *
 * The same small page is loaded in three variants, each run in a fresh browser context (cold cache):
 *   bare      no widget;
 *   idle      the widget, with no survey due (what most page views pay: the core and the config);
 *   show      the widget, with `closeloop('show', id)` queued before it loads (core, config and
 *             survey UI, fetched in parallel).
 * For each: main-thread script time (CDP Performance.getMetrics ScriptDuration, after the page
 * settled) and, for `show`, the time from navigation start until the survey is on screen (the
 * first animation frame after the panel is in the DOM). The widget's cost is the difference to `bare`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, createDemoProject, createProject, openDatabase } from '@closeloop/api';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../browser.ts';

const runs = Number(process.argv[2] ?? 15);

const database = await openDatabase({});
await database.migrate();
const demo = await createDemoProject(database.db);
const quiet = await createProject(database.db, { name: 'No surveys' });
const app = await buildApp({ database, config: { ingestRateLimit: 1_000_000 } });
await app.listen({ host: '127.0.0.1', port: 0 });
const api = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

const page = (head: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A shop</title>${head}</head>
<body><h1>A shop</h1><p>${'Products and prices. '.repeat(40)}</p></body></html>`;
const stub = `<script>window.closeloop=window.closeloop||function(){(closeloop.q=closeloop.q||[]).push(arguments)};closeloop('show','${demo.surveyIds[0]}')</script>`;
const variants: Record<string, string> = {
  bare: page(''),
  idle: page(`<script async src="${api}/widget.js" data-key="${quiet.publicKey}"></script>`),
  show: page(`${stub}<script async src="${api}/widget.js" data-key="${demo.publicKey}"></script>`),
};
const site = http.createServer((request, response) => {
  const html = variants[(request.url ?? '/').slice(1)];
  if (!html) return void response.writeHead(404).end();
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(html);
});
await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

interface Sample {
  scriptMs: number;
  visibleMs?: number;
  firstPaintMs?: number;
}

async function measure(browser: Browser, variant: string): Promise<Sample> {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.querySelector('closeloop-widget')) return;
      observer.disconnect();
      requestAnimationFrame(() => {
        (window as unknown as { visibleAt: number }).visibleAt = performance.now();
      });
    }).observe(document, { childList: true, subtree: true });
  });
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Performance.enable');
  await tab.goto(`${siteUrl}/${variant}`);
  if (variant === 'show') await tab.waitForFunction(() => 'visibleAt' in window);
  await tab.waitForLoadState('networkidle');
  await tab.waitForTimeout(300);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const timings = await tab.evaluate(() => ({
    visibleAt: (window as unknown as { visibleAt?: number }).visibleAt,
    firstPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
  }));
  await context.close();
  return {
    scriptMs: (metrics.find((metric) => metric.name === 'ScriptDuration')?.value ?? 0) * 1000,
    visibleMs: timings.visibleAt,
    firstPaintMs: timings.firstPaint,
  };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

const browser = await launchBrowser();
const samples: Record<string, Sample[]> = { bare: [], idle: [], show: [] };
try {
  for (const variant of Object.keys(samples)) await measure(browser, variant); // warm-up
  for (let run = 0; run < runs; run++)
    for (const variant of Object.keys(samples)) samples[variant]!.push(await measure(browser, variant));
} finally {
  await browser.close();
  await app.close();
  site.close();
  await database.close();
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const row = (label: string, values: number[]) =>
  console.log(
    `${label.padEnd(44)} median ${ms(quantile(values, 0.5)).padStart(7)}   p90 ${ms(quantile(values, 0.9)).padStart(7)}`,
  );
console.log(`${runs} runs per variant, cold cache, Chromium on loopback\n`);
const bareScript = quantile(
  samples.bare!.map((sample) => sample.scriptMs),
  0.5,
);
for (const variant of ['bare', 'idle', 'show'])
  row(
    `script time, ${variant}`,
    samples[variant]!.map((s) => s.scriptMs),
  );
row(
  'script time net, idle (minus bare median)',
  samples.idle!.map((s) => s.scriptMs - bareScript),
);
row(
  'script time net, show (minus bare median)',
  samples.show!.map((s) => s.scriptMs - bareScript),
);
row(
  'page first contentful paint, show',
  samples.show!.map((s) => s.firstPaintMs ?? 0),
);
row(
  'survey visible after navigation start, show',
  samples.show!.map((s) => s.visibleMs ?? 0),
);
