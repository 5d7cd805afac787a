// Builds the inbox into dist/: index.html, app.js and app.css (external files only, so the
// strict Content-Security-Policy of the API — script-src 'self', no inline script — holds).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Closeloop inbox</title>
    <link rel="stylesheet" href="/inbox/app.css" />
    <script type="module" src="/inbox/app.js"></script>
  </head>
  <body>
    <div id="app"><p class="boot">Loading the inbox…</p></div>
    <noscript>The Closeloop inbox needs JavaScript.</noscript>
  </body>
</html>
`;
await writeFile(path.join(dist, 'index.html'), html);

const options = {
  entryPoints: { app: path.join(root, 'src/main.tsx') },
  outdir: dist,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: !watch,
  sourcemap: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
  console.log('inbox: watching src/ …');
} else {
  const result = await esbuild.build(options);
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (!file.endsWith('.map'))
      console.log(`inbox: ${path.relative(root, file)} ${(output.bytes / 1024).toFixed(1)} KB`);
  }
}
