// Creates the embedded database's data directory (initdb) and exits. openDatabase() runs it in a
// process of its own because PGlite's initdb leaves several hundred MB of WebAssembly memory
// behind in the process that ran it. Plain JavaScript: it needs no TypeScript loader.
// Usage: node pglite-initdb.mjs <dataDir> <start parameters as a JSON array>
import { PGlite } from '@electric-sql/pglite';

const [dataDir, startParams] = process.argv.slice(2);
if (!dataDir || !startParams) {
  console.error('usage: pglite-initdb.mjs <dataDir> <startParams JSON>');
  process.exit(2);
}
const client = await PGlite.create(dataDir, { startParams: JSON.parse(startParams) });
await client.close();
