// Builds dist/widget.js (script tag, IIFE) and dist/widget.mjs (ES module), each with a .gz and a
// .br beside it that the API serves to browsers accepting them, and prints their sizes.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
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
  const path = join(root, 'dist', file);
  const code = readFileSync(path);
  const gzip = gzipSync(code, { level: 9 });
  const brotli = brotliCompressSync(code, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: code.length,
    },
  });
  writeFileSync(`${path}.gz`, gzip);
  writeFileSync(`${path}.br`, brotli);
  const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
  console.log(`dist/${file}  ${kb(code.length)} raw  ${kb(gzip.length)} gzip  ${kb(brotli.length)} brotli`);
}
