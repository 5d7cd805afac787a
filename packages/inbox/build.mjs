// Builds the inbox into dist/: index.html, app.js and app.css (external files only, so the
// strict Content-Security-Policy of the API — script-src 'self', no inline script — holds).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { chunkOf, firstPageSource, staticClosure } from './bundle-graph.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

const page = (preloads) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Closeloop inbox</title>
    <link rel="stylesheet" href="/inbox/app.css" />
    <script type="module" src="/inbox/app.js"></script>
${preloads.map((file) => `    <link rel="modulepreload" href="/inbox/${file}" />\n`).join('')}  </head>
  <body>
    <div id="app"><p class="boot">Loading the inbox…</p></div>
    <noscript>The Closeloop inbox needs JavaScript.</noscript>
  </body>
</html>
`;

const options = {
  absWorkingDir: root,
  entryPoints: { app: path.join(root, 'src/main.tsx') },
  outdir: dist,
  bundle: true,
  // Each page is its own chunk (the route table imports them lazily); code shared by several
  // pages goes into shared chunks. The first page loads app.js plus what it imports.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
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
  await writeFile(path.join(dist, 'index.html'), page([]));
  const context = await esbuild.context(options);
  await context.watch();
  console.log('inbox: watching src/ …');
} else {
  const result = await esbuild.build(options);
  const outputs = Object.fromEntries(
    Object.entries(result.metafile.outputs).map(([file, output]) => [path.relative(root, file), output]),
  );
  for (const output of Object.values(outputs)) {
    for (const imported of output.imports)
      imported.path = path.relative(root, path.resolve(root, imported.path));
  }
  // Written for the bundle-size test: which file loads which, and where each source went.
  await writeFile(path.join(dist, 'meta.json'), JSON.stringify({ outputs }, null, 1));
  // The first page's chunks are fetched with app.js rather than after it runs.
  const firstPage = [...staticClosure(outputs, chunkOf(outputs, firstPageSource))];
  await writeFile(
    path.join(dist, 'index.html'),
    page(firstPage.filter((file) => file !== 'dist/app.js').map((file) => path.relative('dist', file))),
  );
  const firstLoad = new Set([...staticClosure(outputs, 'dist/app.js'), ...firstPage]);
  let gzipped = 0;
  for (const file of firstLoad)
    gzipped += gzipSync(await readFile(path.join(root, file)), { level: 9 }).length;
  for (const [file, output] of Object.entries(outputs)) {
    if (!file.endsWith('.map'))
      console.log(`inbox: ${path.relative('dist', file)} ${(output.bytes / 1024).toFixed(1)} KB`);
  }
  console.log(
    `inbox: first page (${firstLoad.size} files) ${(gzipped / 1024).toFixed(1)} KB gzip of JavaScript`,
  );
}
