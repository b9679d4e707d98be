// Bundles the browser SDK: a minified classic script (window.Tally), a minified ES module and the readable ESM source.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const outDir = process.argv[2] ?? 'target/classes/sdk';
const entry = 'src/main/js/tally.js';
mkdirSync(outDir, { recursive: true });

const common = { entryPoints: [entry], bundle: true, minify: true, target: ['es2018'], legalComments: 'none', logLevel: 'warning' };
await build({ ...common, format: 'iife', globalName: 'Tally', outfile: join(outDir, 'tally.min.js') });
await build({ ...common, format: 'esm', outfile: join(outDir, 'tally.min.mjs') });
copyFileSync(entry, join(outDir, 'tally.js'));
