// How the inbox's output files load each other (esbuild's metafile); used by the build and the size test.

/** Output files a file loads before it runs (static imports), itself included. */
export function staticClosure(outputs, file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const imported of outputs[file]?.imports ?? []) {
    if (imported.kind === 'import-statement') staticClosure(outputs, imported.path, seen);
  }
  return seen;
}

/** The output chunk of a lazily imported source file (e.g. a page). */
export function chunkOf(outputs, source) {
  return Object.keys(outputs).find((file) => outputs[file].entryPoint === source);
}

/** The inbox's first page (#/inbox, the queue): its module and what app.js loads before it. */
export const firstPageSource = 'src/features/queue/QueuePage.tsx';
