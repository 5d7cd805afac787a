import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundles = ['widget.js', 'widget.mjs'];
/** The hard ceiling for the whole script-tag build, gzip -9. */
const maxGzipBytes = 12 * 1024;
/** Server code and validation libraries must never reach visitors' browsers. */
const forbidden = ['ZodError', 'zod', 'drizzle', 'fastify', 'pglite', 'postgres', 'new Function', 'eval('];

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

describe.each(bundles)('dist/%s', (file) => {
  const code = () => readFileSync(join(root, 'dist', file));

  it(`is at most ${maxGzipBytes} bytes gzipped`, () => {
    expect(gzipSync(code(), { level: 9 }).length).toBeLessThanOrEqual(maxGzipBytes);
  });

  it.each(forbidden)('does not contain %s', (identifier) => {
    const escaped = identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(code().toString('utf8')).not.toMatch(new RegExp(`(^|[^\\w$])${escaped}`, 'i'));
  });
});

describe('dist/widget.js', () => {
  it('is a self-contained script, not a module', () => {
    const code = readFileSync(join(root, 'dist/widget.js'), 'utf8');
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).toContain('closeloop');
  });

  it('loads on a page that added enumerable properties to Object.prototype', () => {
    const code = readFileSync(join(root, 'dist/widget.js'), 'utf8');
    const page = createContext({ document: { currentScript: null } });
    runInContext('var window = globalThis; Object.prototype.polluted = 1;', page);
    expect(() => runInContext(code, page)).not.toThrow();
    expect(runInContext('typeof window.closeloop', page)).toBe('function');
  });
});
