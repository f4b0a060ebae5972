/**
 * `npm run docs:reference`: writes docs/reference/*.md from the registries (reference.ts), relative to the
 * current directory (the repository root). `--check` writes nothing and exits 1 when a page is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_PAGES } from './reference.js';

const dir = join(process.cwd(), 'docs', 'reference');
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const p of REFERENCE_PAGES) {
  const path = join(dir, p.file);
  const text = p.render();
  if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
  stale.push(`docs/reference/${p.file}`);
  if (!check) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, text);
  }
}
if (check && stale.length) {
  process.stderr.write(`stale reference pages (run npm run docs:reference): ${stale.join(', ')}\n`);
  process.exitCode = 1;
} else process.stdout.write(stale.length ? `wrote ${stale.join(', ')}\n` : 'docs/reference is up to date\n');
