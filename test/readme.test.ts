/**
 * The README is the newcomer's page; docs/ holds the rest. Together they document every command, flag, target,
 * rule and extension the code has, and every relative link in them resolves (anchors included).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTENSIONS } from '../generator/model/extensions.js';
import { TARGETS } from '../generator/targets/registry.js';
import { cli } from './helpers/cli.js';
import { ROOT } from './helpers/reference.js';

/**
 * Pages that other branches of the same round write (docs/reference/* generated from the registries,
 * docs/testing.md). Until they are merged, links to them may dangle and the checks that read them are skipped.
 * TODO(integrator): empty this list after merging; the first test fails as soon as a listed page exists.
 */
const PENDING = new Set<string>([]);

const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

/** Every Markdown file under docs/, as a path relative to the repository root. */
function docsPages(dir = 'docs'): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? docsPages(`${dir}/${e.name}`) : e.name.endsWith('.md') ? [`${dir}/${e.name}`] : []))
    .sort();
}

/** The text outside fenced code blocks and inline code spans: where links and headings are. */
function prose(md: string): string {
  let fenced = false;
  return md
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line.replace(/`[^`]*`/g, (code) => (code.includes('](') ? '' : code));
    })
    .join('\n');
}

/** GitHub's heading anchors: lower case, punctuation dropped, each space a hyphen, repeats numbered. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(md).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The relative links of a page (repository-relative path) that do not resolve: a missing file or anchor. */
function brokenLinks(page: string, md: string): string[] {
  const problems: string[] = [];
  for (const m of prose(md).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const link = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto: …
    const [path, anchor] = link.split('#') as [string, string | undefined];
    if (path === '') {
      if (anchor !== undefined && !anchors(md).has(anchor)) problems.push(`${page}: ${link}: no heading #${anchor}`);
      continue;
    }
    const target = relative(ROOT, resolve(ROOT, dirname(page), decodeURI(path))).replace(/\\/g, '/');
    if (PENDING.has(target) && !existsSync(join(ROOT, target))) continue;
    if (target.startsWith('..') || !existsSync(join(ROOT, target))) {
      problems.push(`${page}: ${link}: no file ${target}`);
      continue;
    }
    if (anchor !== undefined && target.endsWith('.md') && statSync(join(ROOT, target)).isFile()) {
      if (!anchors(read(target)).has(anchor)) problems.push(`${page}: ${link}: no heading #${anchor} in ${target}`);
    }
  }
  return problems;
}

/** Table cells of a page, outside code blocks. */
function cells(md: string): string[] {
  return prose(md)
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .flatMap((l) => l.replace(/\\\|/g, '¦').split('|').slice(1, -1))
    .map((c) => c.trim());
}

async function helpTexts(): Promise<{ commands: string[]; flags: string[] }> {
  const help = (await cli(['--help'], ROOT)).stdout;
  const commands = [...help.slice(help.indexOf('Commands:'), help.indexOf('Options:')).matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);
  const texts = [help];
  for (const c of commands) {
    const r = await cli([c, '--help'], ROOT);
    if (r.code === 0) texts.push(r.stdout);
  }
  const flags = [...new Set(texts.flatMap((t) => [...t.matchAll(/(?<![\w-])--[a-z][a-z-]+/g)].map((m) => m[0])))].sort();
  return { commands, flags };
}

const readme = read('README.md');
const cliPage = read('docs/cli.md');

describe('pages other branches write', () => {
  it('are listed as pending only while they do not exist', () => {
    for (const p of PENDING) expect(existsSync(join(ROOT, p)), `${p} exists now: remove it from PENDING in test/readme.test.ts`).toBe(false);
  });
});

describe('README', () => {
  it('has the two set-up commands and the browser test', () => {
    expect(readme).toContain('npm install && npx generate');
    expect(readme).toContain('npm test');
    expect(readme).toContain('npm run test:browser');
  });
  it('is under 12 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(12_000);
  });
  it('links every docs page', () => {
    const pages = new Set([...docsPages(), ...PENDING]);
    for (const p of pages) expect(readme, p).toMatch(new RegExp(`\\]\\(${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(#[^)]*)?\\)`));
  });
  it('has a line per target, linking its page', () => {
    for (const t of TARGETS) expect(readme, t.id).toMatch(new RegExp(`^- \\[\`${t.id}\`\\]\\(docs/targets/${t.id}\\.md\\): `, 'm'));
  });
  it('names every command, linking docs/cli.md', async () => {
    const { commands } = await helpTexts();
    expect(commands).toContain('test');
    for (const c of commands) expect(readme, c).toMatch(new RegExp(`\\[\`contractgen ${c}\`\\]\\(docs/cli\\.md#[a-z-]+\\)`));
  });
});

describe('docs/targets', () => {
  const index = read('docs/targets/README.md');
  it('has a page per target, listed in the index, with the sections every target page has', () => {
    for (const t of TARGETS) {
      const page = `docs/targets/${t.id}.md`;
      expect(existsSync(join(ROOT, page)), page).toBe(true);
      expect(index, t.id).toContain(`| \`${t.id}\` |`);
      expect(index, t.id).toContain(`(${t.id}.md)`);
      const headings = anchors(read(page));
      for (const h of ['what-it-generates', 'where-it-goes-and-how-to-apply-it', 'facts-it-relies-on', 'choices-made-for-it', 'how-it-is-checked']) {
        expect(headings.has(h), `${page} #${h}`).toBe(true);
      }
    }
  });
  it('has no page for a target that does not exist', () => {
    const ids = new Set(TARGETS.map((t) => t.id));
    const pages = docsPages('docs/targets').filter((p) => !p.endsWith('/README.md'));
    for (const p of pages) expect(ids.has(p.slice('docs/targets/'.length, -'.md'.length)), p).toBe(true);
  });
});

describe('docs/cli.md', () => {
  it('has a section per command and documents every flag of --help', async () => {
    const { commands, flags } = await helpTexts();
    expect(flags).toContain('--data');
    const sections = anchors(cliPage);
    for (const c of commands) expect(sections.has(`contractgen-${c}`), c).toBe(true);
    for (const f of flags) expect(cliPage, f).toContain(`\`${f}`);
  });
  it('documents the exit codes and the environment', () => {
    for (const code of ['0', '1', '2', '3']) expect(cliPage).toContain(`| **${code}** |`);
    expect(cliPage).toContain('NO_COLOR');
    expect(cliPage).toContain('CONTRACTGEN_DEBUG=1');
  });
  it('documents the breaking-change command and the CI and pre-commit wiring', () => {
    expect(cliPage).toContain('contractgen breaking --against');
    expect(cliPage).toContain('--list-rules');
    expect(cliPage).toContain('.pre-commit-config.yaml');
    expect(cliPage).toContain('npx contractgen generate --check');
    for (const m of read('.pre-commit-hooks.yaml').matchAll(/^- id: (\S+)/gm)) expect(cliPage, m[1]).toContain(`id: ${m[1]}`);
  });
  it('documents every diagnostic rule, or its family, unless the rules reference lists it', async () => {
    const ids = [...(await cli(['rules'], ROOT)).stdout.matchAll(/^([A-Z][A-Z0-9_]+) +(error|warning|info) /gm)].map((m) => m[1]!);
    expect(ids).toContain('SECRET_LITERAL');
    const reference = existsSync(join(ROOT, 'docs/reference/rules.md')) ? read('docs/reference/rules.md') : '';
    for (const id of ids) {
      const family = `\`${id.split('_')[0]}_*\``;
      expect(cliPage.includes(`\`${id}\``) || cliPage.includes(family) || reference.includes(id), id).toBe(true);
    }
  });
});

describe('docs/contracts.md', () => {
  const page = read('docs/contracts.md');
  it('covers ODCS, the extensions, DCS and the config, and links the extensions reference', () => {
    for (const h of ['what-contractgen-reads-from-odcs', 'extensions', 'dcs-input', 'the-config-file']) expect(anchors(page).has(h), h).toBe(true);
    expect(page).toContain('](reference/extensions.md)');
  });
  it('names every section of the config', () => {
    const config = read('contractgen.config.yaml');
    const sections = [...config.matchAll(/^([a-zA-Z]+):/gm)].map((m) => m[1]!).filter((s) => s !== 'version');
    expect(sections).toContain('debezium');
    for (const s of sections) expect(page, s).toContain(`| \`${s}\` |`);
  });
  it.skipIf(PENDING.has('docs/reference/extensions.md'))('every extension is in the extensions reference', () => {
    const reference = read('docs/reference/extensions.md');
    for (const e of EXTENSIONS) expect(reference, e.name).toContain(e.name);
  });
});

describe('docs/decisions.md', () => {
  it('gives each decision its reason and its consequence', () => {
    const entries = read('docs/decisions.md').split(/^## /m).slice(1);
    expect(entries.length).toBeGreaterThan(10);
    for (const e of entries) {
      const title = e.slice(0, e.indexOf('\n'));
      for (const part of ['**Decision.**', '**Why.**', '**Consequence.**']) expect(e, `${title}: ${part}`).toContain(part);
    }
  });
});

describe('links and tables in README.md and docs/', () => {
  const pages = ['README.md', ...docsPages()];
  it('finds broken links and anchors, and nothing in code', () => {
    const md = [
      '[ok](cli.md#exit-codes-output-and-environment) [file](nope.md) [anchor](cli.md#no-such-heading)',
      '[self](#a-heading) `[code](missing.md)` [web](https://example.com/x.md)',
      '## A heading',
      '```',
      '[fenced](missing-too.md)',
      '```',
    ].join('\n');
    expect(brokenLinks('docs/x.md', md)).toEqual(['docs/x.md: nope.md: no file docs/nope.md', 'docs/x.md: cli.md#no-such-heading: no heading #no-such-heading in docs/cli.md']);
    expect(brokenLinks('docs/x.md', '[up](../../outside.md)')).toHaveLength(1);
  });
  it('computes anchors as GitHub does', () => {
    expect([...anchors('# `postgres`: PostgreSQL DDL\n## Testing data: `contractgen test`\n## A b\n## A b\n```\n# not a heading\n```')]).toEqual([
      'postgres-postgresql-ddl',
      'testing-data-contractgen-test',
      'a-b',
      'a-b-1',
    ]);
  });
  it('every relative link resolves, anchors included', () => {
    expect(pages.flatMap((p) => brokenLinks(p, read(p)))).toEqual([]);
  });
  it('no table cell is a paragraph (over 200 characters)', () => {
    const long = pages.filter((p) => !p.startsWith('docs/reference/')).flatMap((p) => cells(read(p)).filter((c) => c.length > 200).map((c) => `${p}: ${c.slice(0, 60)}…`));
    expect(long).toEqual([]);
  });
});
