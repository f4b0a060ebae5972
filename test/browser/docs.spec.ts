/// <reference lib="dom" />
/**
 * The docs site in a real browser: Debian's Chromium, driven by playwright-core, headless, kept off the network
 * (every request that is not file:// is aborted and fails the test). Run by `npm run test:browser` (.ci/run
 * installs Chromium first). It opens the index from local files, searches for a field, follows the result to
 * the dataset page, checks the lineage diagram is visible with the dataset's path highlighted, renders every
 * Mermaid block of the Markdown pages with Mermaid itself, checks the index without JavaScript, and saves
 * screenshots under test-results/. Any console error fails it.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSink } from '../../generator/sink/sink.js';
import { generateFrom } from '../helpers/generate.js';
import { ROOT } from '../helpers/reference.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-results');
let browser: Browser;
let docs: string;
let markdown: Map<string, string>;
const offNetwork: string[] = [];
const consoleErrors: string[] = [];

async function context(javaScriptEnabled = true): Promise<BrowserContext> {
  const ctx = await browser.newContext({ javaScriptEnabled, viewport: { width: 1400, height: 1000 } });
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    offNetwork.push(url);
    return route.abort();
  });
  return ctx;
}

function watch(page: Page) {
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  const { files } = await generateFrom(['contracts'], ROOT, ['docs']);
  markdown = new Map([...files].filter(([k]) => k.endsWith('.md')));
  const out = join(mkdtempSync(join(tmpdir(), 'cg-docs-')), 'generated');
  writeSink(out, files);
  docs = join(out, 'docs');
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('docs in Chromium', () => {
  it('searches for a field, follows it to the dataset page, and shows the lineage with its path highlighted', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    watch(page);
    await page.goto(pathToFileURL(join(docs, 'index.html')).href);
    await expect(page.title()).resolves.toContain('data catalog');
    await page.locator('#search').fill('email');
    const hit = page.locator('#results a', { hasText: 'users.email' });
    await hit.waitFor({ state: 'visible', timeout: 5000 });
    await page.screenshot({ path: join(ARTIFACTS, 'docs-search.png'), fullPage: true });
    await hit.click();
    await page.waitForURL(/users\.html#field-email$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Users');
    const row = page.locator('#field-email');
    await expect(row.isVisible()).resolves.toBe(true);
    const svg = page.locator('svg#lineage');
    await expect(svg.isVisible()).resolves.toBe(true);
    const box = await svg.boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    const lit = await page.locator('svg#lineage .node.on').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-node')));
    expect(lit).toContain('postgres');
    expect(lit).not.toContain('cassandra');
    // the highlight is drawn, not just a class: the CSS loaded from the local file colours it
    const fill = await page.locator('svg#lineage .node.on[data-node="postgres"] rect').evaluate((r) => getComputedStyle(r).fill);
    expect(fill).toBe('rgb(255, 224, 130)');
    await page.screenshot({ path: join(ARTIFACTS, 'docs-users.png'), fullPage: true });
    await ctx.close();
  }, 60_000);

  it('lists and links every dataset with JavaScript off', async () => {
    const ctx = await context(false);
    const page = await ctx.newPage();
    watch(page);
    await page.goto(pathToFileURL(join(docs, 'index.html')).href);
    const links = await page.locator('table.datasets a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['rides.html', 'users.html']);
    await page.locator('table.datasets a', { hasText: 'Rides' }).click();
    await page.waitForURL(/rides\.html$/);
    await expect(page.locator('svg#lineage').isVisible()).resolves.toBe(true);
    await ctx.close();
  }, 60_000);

  it('renders every Mermaid block of the Markdown pages with Mermaid itself', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    watch(page);
    await page.goto(pathToFileURL(join(docs, 'index.html')).href);
    await page.addScriptTag({ path: join(ROOT, 'node_modules/mermaid/dist/mermaid.min.js') });
    const blocks = [...markdown].flatMap(([path, text]) => [...text.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => ({ path, source: m[1]! })));
    expect(blocks.length).toBe(markdown.size);
    const rendered = await page.evaluate(async (bs) => {
      const m = (window as unknown as { mermaid: { initialize(o: object): void; parse(s: string): Promise<unknown>; render(id: string, s: string): Promise<{ svg: string }> } }).mermaid;
      m.initialize({ startOnLoad: false, securityLevel: 'strict' });
      const out: Array<{ path: string; nodes: number; highlighted: number; error?: string }> = [];
      for (const [i, b] of bs.entries()) {
        try {
          await m.parse(b.source);
          const { svg } = await m.render(`m${i}`, b.source);
          const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
          out.push({ path: b.path, nodes: doc.querySelectorAll('g.node').length, highlighted: doc.querySelectorAll('g.node.path').length });
        } catch (e) {
          out.push({ path: b.path, nodes: 0, highlighted: 0, error: String(e) });
        }
      }
      return out;
    }, blocks);
    for (const r of rendered) {
      expect(r.error, r.path).toBeUndefined();
      expect(r.nodes, r.path).toBe(14);
      expect(r.highlighted, r.path).toBe(r.path.endsWith('index.md') ? 0 : r.path.endsWith('rides.md') || r.path.endsWith('users.md') ? 12 : -1);
    }
    await ctx.close();
  }, 60_000);

  it('made no request off the machine and logged no console error', () => {
    expect(offNetwork).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
