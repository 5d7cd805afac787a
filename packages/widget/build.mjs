// Builds the widget into dist/, each file with a .gz and a .br copy that the API serves to browsers
// accepting them, and prints the sizes (core, survey UI, total; gzip and brotli):
//
//   widget.js             script-tag core (IIFE), on every page view
//   widget-ui.<hash>.js   its survey UI (Preact), a classic script loaded only when a survey shows
//   widget.mjs            ES module core
//   widget-ui.<hash>.mjs  its survey UI, an ES module the core import()s from beside itself
//
// The UI's name carries a hash of its content (so it can be cached for good); the core, built after
// it, carries that name. The UI files of the build before stay, for pages whose core is still the
// previous one (widget.js is cached for minutes); older ones are removed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const src = (file) => join(root, 'src', file);
/** A survey UI file name, as the API serves it. */
export const uiFilePattern = /widget-ui\.[0-9a-f]{10}\.m?js/g;

const common = {
  bundle: true,
  minify: true,
  target: 'es2020',
  platform: 'browser',
  legalComments: 'none',
  banner: { js: '/*! Closeloop widget | MIT */' },
  logLevel: 'warning',
  write: false,
};

const compile = async (options) => (await build({ ...common, ...options })).outputFiles[0].contents;
const hashed = (code, extension) =>
  `widget-ui.${createHash('sha256').update(code).digest('hex').slice(0, 10)}.${extension}`;

// The UI files the current cores point to: kept for one more build.
const previous = new Set(
  ['widget.js', 'widget.mjs'].flatMap((file) =>
    existsSync(join(dist, file)) ? (readFileSync(join(dist, file), 'utf8').match(uiFilePattern) ?? []) : [],
  ),
);

const [uiScript, uiModule] = await Promise.all([
  compile({ entryPoints: [src('ui/script.ts')], format: 'iife' }),
  compile({ entryPoints: [src('ui/index.ts')], format: 'esm' }),
]);
const uiScriptFile = hashed(uiScript, 'js');
const uiModuleFile = hashed(uiModule, 'mjs');

// Property names used only inside the core (never stored, sent, or shared with the UI or the page)
// are shortened like variables: every byte of the core is on every page view.
const coreOnlyProperties =
  /^(trigger|timer|cancelled|entryIds|retryAfterMs|problem|flushOnExit|onRejected|publicKey|loadUi|persist)$/;

const [coreScript, coreModule] = await Promise.all([
  compile({
    mangleProps: coreOnlyProperties,
    entryPoints: [src('loader.ts')],
    format: 'iife',
    define: { CLOSELOOP_UI_FILE: JSON.stringify(uiScriptFile) },
  }),
  compile({
    mangleProps: coreOnlyProperties,
    entryPoints: [src('index.ts')],
    format: 'esm',
    plugins: [
      {
        // import('./ui/index.ts') becomes an import of the built UI module beside widget.mjs
        name: 'survey-ui-module',
        setup(builder) {
          builder.onResolve({ filter: /^\.\/ui\/index\.ts$/ }, (args) =>
            args.kind === 'dynamic-import' ? { path: `./${uiModuleFile}`, external: true } : undefined,
          );
        },
      },
    ],
  }),
]);

const files = {
  'widget.js': coreScript,
  [uiScriptFile]: uiScript,
  'widget.mjs': coreModule,
  [uiModuleFile]: uiModule,
};

mkdirSync(dist, { recursive: true });
for (const file of readdirSync(dist)) {
  const name = file.replace(/\.(gz|br)$/, '');
  if (name.match(uiFilePattern)?.[0] === name && !(name in files) && !previous.has(name))
    rmSync(join(dist, file));
}

const sizes = {};
for (const [file, code] of Object.entries(files)) {
  const gzip = gzipSync(code, { level: 9 });
  const brotli = brotliCompressSync(code, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: code.length,
    },
  });
  writeFileSync(join(dist, file), code);
  writeFileSync(join(dist, `${file}.gz`), gzip);
  writeFileSync(join(dist, `${file}.br`), brotli);
  sizes[file] = { raw: code.length, gzip: gzip.length, brotli: brotli.length };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`.padStart(9);
const row = (label, { raw, gzip, brotli }) =>
  console.log(`${label.padEnd(34)}${kb(raw)} raw ${kb(gzip)} gzip ${kb(brotli)} brotli`);
const sum = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
for (const [core, ui] of [
  ['widget.js', uiScriptFile],
  ['widget.mjs', uiModuleFile],
]) {
  row(`dist/${core} (core)`, sizes[core]);
  row(`dist/${ui} (UI)`, sizes[ui]);
  row('  total when a survey shows', sum(sizes[core], sizes[ui]));
}
