import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkOf, firstPageSource, staticClosure } from '../bundle-graph.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The hard ceiling for the JavaScript of the first page (app.js, the queue and what they import), gzip -9. */
const maxFirstPageGzip = 40 * 1024;

type Outputs = Record<
  string,
  { imports: { path: string; kind: string }[]; inputs: Record<string, unknown>; entryPoint?: string }
>;

const newestSource = (dir: string): number =>
  Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newestSource(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
    ),
  );

let outputs: Outputs;
beforeAll(() => {
  // `pnpm test` builds first; a direct vitest run rebuilds a missing or stale dist.
  const meta = join(root, 'dist/meta.json');
  if (!existsSync(meta) || statSync(meta).mtimeMs < newestSource(join(root, 'src'))) {
    execFileSync(process.execPath, [join(root, 'build.mjs')], { cwd: root, stdio: 'ignore' });
  }
  outputs = JSON.parse(readFileSync(meta, 'utf8')).outputs;
});

const closureOf = (file: string): string[] => [...staticClosure(outputs, file)];
/** The source modules bundled into these files (stylesheets go to app.css, not into JavaScript). */
const inputsOf = (files: string[]) =>
  files
    .flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}))
    .filter((input) => !input.endsWith('.css'));

describe('the inbox bundle', () => {
  it(`loads at most ${maxFirstPageGzip} bytes of gzipped JavaScript for the first page`, () => {
    const queue = chunkOf(outputs, firstPageSource) as string;
    expect(queue).toBeTruthy();
    const files = new Set([...closureOf('dist/app.js'), ...closureOf(queue)]);
    const bytes = [...files].reduce(
      (sum, file) => sum + gzipSync(readFileSync(join(root, file)), { level: 9 }).length,
      0,
    );
    expect(bytes).toBeGreaterThan(1000);
    expect(bytes).toBeLessThanOrEqual(maxFirstPageGzip);
  });

  it('splits pages into chunks: the first page does not carry the admin pages or the chart', () => {
    const first = inputsOf([...closureOf('dist/app.js'), ...closureOf(chunkOf(outputs, firstPageSource)!)]);
    expect(first.some((input) => input.includes('features/queue/'))).toBe(true);
    expect(first.some((input) => input.includes('features/admin/'))).toBe(false);
    expect(first.some((input) => input.includes('uplot'))).toBe(false);
  });

  it('carries the chart library only with the insights page', () => {
    const withChart = Object.keys(outputs).filter((file) =>
      inputsOf([file]).some((input) => input.includes('node_modules/uplot/')),
    );
    expect(withChart.length).toBeGreaterThan(0);
    const insights = closureOf(chunkOf(outputs, 'src/features/insights/InsightsPage.tsx')!);
    for (const file of withChart) expect(insights).toContain(file);
    for (const source of Object.values(outputs).flatMap((output) =>
      output.entryPoint ? [output.entryPoint] : [],
    )) {
      if (source.includes('features/insights/')) continue;
      const chunk = chunkOf(outputs, source)!;
      for (const file of withChart) expect(closureOf(chunk)).not.toContain(file);
    }
  });

  it('the index page preloads the first page and runs no inline script', () => {
    const html = readFileSync(join(root, 'dist/index.html'), 'utf8');
    expect(html).toContain(`href="/inbox/${chunkOf(outputs, firstPageSource)!.replace(/^dist\//, '')}"`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});
