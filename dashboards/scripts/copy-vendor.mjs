// Copies the pinned D3 build into the served tree. Run by Maven (process-resources)
// after `npm ci`; fails loudly if npm ci did not run, so a page never ships without D3.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const moduleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = process.argv[2];
if (!target) {
  console.error('usage: node scripts/copy-vendor.mjs <target vendor directory>');
  process.exit(2);
}
const d3Dir = join(moduleDir, 'node_modules', 'd3');
const files = [
  [join(d3Dir, 'dist', 'd3.min.js'), 'd3.min.js'],
  [join(d3Dir, 'LICENSE'), 'd3.LICENSE.txt'],
];
mkdirSync(target, { recursive: true });
for (const [from, name] of files) {
  if (!existsSync(from)) {
    console.error(`missing ${from}: run "npm ci" in dashboards/ first`);
    process.exit(1);
  }
  copyFileSync(from, join(target, name));
}
console.log(`copied d3 to ${target}`);
