import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The core every page view loads, gzip -9: 5 KB. */
const maxCoreGzipBytes = 5 * 1024;
/** Core and survey UI together, what a page view that shows a survey loads: 16 KB. */
const maxTotalGzipBytes = 16 * 1024;
/** Server code and validation libraries must never reach visitors' browsers. */
const forbidden = ['ZodError', 'zod', 'drizzle', 'fastify', 'pglite', 'postgres', 'new Function', 'eval('];
/** What only the survey UI has (Preact's mangled `_children`, the host element, its shadow root): never in the core. */
const uiOnly = ['__k', 'closeloop-widget', 'attachShadow', 'adoptedStyleSheets'];

const newestSource = (dir: string): number =>
  Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newestSource(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
    ),
  );

beforeAll(() => {
  // `pnpm test` builds first; a direct vitest run rebuilds a missing or stale dist
  const dist = join(root, 'dist/widget.js');
  if (!existsSync(dist) || statSync(dist).mtimeMs < newestSource(join(root, 'src'))) {
    execFileSync(process.execPath, [join(root, 'build.mjs')], { stdio: 'ignore' });
  }
});

const read = (file: string) => readFileSync(join(root, 'dist', file));
const gzipped = (code: Buffer) => gzipSync(code, { level: 9 }).length;
/** The survey UI file a core loads (named by the build, with a content hash). */
const uiOf = (core: string) => {
  const [name, ...others] =
    read(core)
      .toString('utf8')
      .match(/widget-ui\.[0-9a-f]{10}\.m?js/g) ?? [];
  expect(others).toEqual([]);
  return name!;
};

describe.each([
  ['widget.js', '.js'],
  ['widget.mjs', '.mjs'],
])('dist/%s and its survey UI', (core, extension) => {
  it('names a survey UI that exists, with a content hash', () => {
    const ui = uiOf(core);
    expect(ui.endsWith(extension)).toBe(true);
    expect(existsSync(join(root, 'dist', ui))).toBe(true);
  });

  it(`keeps the core at most ${maxCoreGzipBytes} bytes gzipped`, () => {
    expect(gzipped(read(core))).toBeLessThanOrEqual(maxCoreGzipBytes);
  });

  it(`keeps core and survey UI together at most ${maxTotalGzipBytes} bytes gzipped`, () => {
    expect(gzipped(read(core)) + gzipped(read(uiOf(core)))).toBeLessThanOrEqual(maxTotalGzipBytes);
  });

  it.each(forbidden)('contains no %s', (identifier) => {
    const escaped = identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const file of [core, uiOf(core)])
      expect(read(file).toString('utf8'), file).not.toMatch(new RegExp(`(^|[^\\w$])${escaped}`, 'i'));
  });

  it.each(uiOnly)('has no UI code in the core: no %s', (identifier) => {
    expect(read(core).toString('utf8')).not.toContain(identifier);
    expect(read(uiOf(core)).toString('utf8')).toContain(identifier);
  });
});

describe('dist/widget.js', () => {
  it('is a self-contained script, not a module; so is its survey UI', () => {
    for (const file of ['widget.js', uiOf('widget.js')]) {
      const code = read(file).toString('utf8');
      expect(code).not.toMatch(/^\s*(import|export)\s/m);
      expect(code).not.toMatch(/\bimport\(/);
    }
    expect(read('widget.js').toString('utf8')).toContain('closeloop');
  });

  it('loads on a page that added enumerable properties to Object.prototype', () => {
    const code = read('widget.js').toString('utf8');
    const page = createContext({ document: { currentScript: null } });
    runInContext('var window = globalThis; Object.prototype.polluted = 1;', page);
    expect(() => runInContext(code, page)).not.toThrow();
    expect(runInContext('typeof window.closeloop', page)).toBe('function');
  });
});

describe('dist/widget.mjs', () => {
  it('imports its survey UI from beside itself, only when asked', () => {
    const code = read('widget.mjs').toString('utf8');
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).toContain(`import("./${uiOf('widget.mjs')}")`);
  });
});
