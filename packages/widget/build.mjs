// Builds dist/widget.js (script tag, IIFE) and dist/widget.mjs (ES module) and prints their sizes.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const common = {
  bundle: true,
  minify: true,
  target: 'es2020',
  platform: 'browser',
  legalComments: 'none',
  banner: { js: '/*! Closeloop widget | MIT */' },
  logLevel: 'warning',
};

await Promise.all([
  build({
    ...common,
    entryPoints: [join(root, 'src/loader.ts')],
    outfile: join(root, 'dist/widget.js'),
    format: 'iife',
  }),
  build({
    ...common,
    entryPoints: [join(root, 'src/index.ts')],
    outfile: join(root, 'dist/widget.mjs'),
    format: 'esm',
  }),
]);

for (const file of ['widget.js', 'widget.mjs']) {
  const code = readFileSync(join(root, 'dist', file));
  const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
  console.log(`dist/${file}  ${kb(code.length)} raw  ${kb(gzipSync(code, { level: 9 }).length)} gzip`);
}
