/**
 * The docs target: what each page says comes from the model, the naming functions and the type table; the
 * HTML parses without an error under parse5 (the WHATWG parser), the Markdown renders through markdown-it to
 * HTML holding only the markup the generator wrote. The browser half (search, links, the lineage SVG, Mermaid
 * rendered by Mermaid itself, no console error, no network) is test/browser/docs.spec.ts, run by
 * `npm run test:browser`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../generator/model/ir.js';
import { cdcTopic, lakeName, trinoNames, ucNames } from '../generator/model/naming.js';
import { mapType } from '../generator/model/types.js';
import { html } from '../generator/model/names.js';
import { md } from '../generator/targets/docs.js';
import { generateFrom } from './helpers/generate.js';
import { validateOutputs } from './helpers/validators.js';

let files: Map<string, string>;
let datasets: Dataset[];
let config: Parameters<typeof cdcTopic>[1];

beforeAll(async () => {
  const g = await generateFrom();
  files = g.files;
  datasets = g.analysis.model.datasets;
  config = g.analysis.config;
});

const page = (name: string, ext: 'md' | 'html') => files.get(`docs/${name}.${ext}`)!;

describe('docs target', () => {
  it('writes a Markdown and an HTML page per dataset, an index of each, and the search assets', () => {
    const docs = [...files.keys()].filter((k) => k.startsWith('docs/') && !k.endsWith('manifest.json')).sort();
    expect(docs).toEqual(['docs/assets/search-index.js', 'docs/assets/search.js', 'docs/assets/style.css', 'docs/index.html', 'docs/index.md', 'docs/rides.html', 'docs/rides.md', 'docs/users.html', 'docs/users.md']);
  });

  it('passes parse5 and markdown-it with only the markup it wrote', async () => {
    const docs = new Map([...files].filter(([k]) => k.startsWith('docs/')));
    expect(await validateOutputs(docs, 'docs')).toEqual([]);
  });

  it('catches text that was not escaped (the checker is not a no-op)', async () => {
    const bad = new Map([
      ['docs/x.md', '# X\n\nhello <img src=x onerror=alert(1)> and <a href="javascript:alert(1)">a</a>\n'],
      ['docs/x.html', '<!doctype html><html lang="en"><head><title>x</title></head><body><p>a</p><script>alert(1)</script></body></html>'],
    ]);
    const problems = await validateOutputs(bad, 'bad');
    expect(problems.join('\n')).toContain('unexpected <img>');
    expect(problems.join('\n')).toContain('unexpected link href="javascript:alert(1)"');
    expect(problems.join('\n')).toContain('inline <script>');
  });

  it('says where each dataset lives, with the names every target uses', () => {
    for (const ds of datasets) {
      const text = page(lakeName(ds), 'html');
      const t = trinoNames(ds, config);
      const uc = ucNames(ds, config);
      for (const s of [cdcTopic(ds, config)!, `${cdcTopic(ds, config)}/`, t.trusted, t.masked, uc.trusted, `contractgen_${lakeName(ds)}`]) expect(text, s).toContain(html(s));
      expect(page(lakeName(ds), 'md')).toContain(`\`${cdcTopic(ds, config)}\``);
    }
    expect(page('users', 'html')).toContain('ridehailing.public.users-value');
    expect(page('rides', 'html')).toContain('none: JSON events (Kafka JsonConverter)');
  });

  it('gives every field its type in every system, from the type table', () => {
    for (const ds of datasets) {
      const text = page(lakeName(ds), 'html');
      for (const f of ds.fields) {
        const m = mapType(f.type);
        expect(text).toContain(`<tr id="field-${f.name}">`);
        for (const t of [m.postgres, m.mysql, m.cql, m.spark.ddl, m.trino.hive, m.unityCatalog.typeText]) expect(text, `${ds.name}.${f.name} ${t}`).toContain(`<td><code>${html(t)}</code></td>`);
      }
    }
  });

  it('marks personal data, owners, SLAs, quality rules and relationships', () => {
    const users = page('users', 'html');
    const email = datasets.find((d) => d.name === 'users')!.fields.find((f) => f.name === 'email')!;
    expect(email.pii).toBe(true);
    expect(users).toMatch(/<tr id="field-email">.*<td>PII[^<]*<\/td>/);
    expect(users).toContain('<tr><th>Owner</th><td>identity-team</td></tr>');
    expect(users).toContain('<tr><th>Freshness</th><td>90 min</td></tr>');
    expect(page('rides', 'html')).toContain('<a href="users.html">users.user_id</a>');
    expect(page('rides', 'md')).toContain('[users.user\\_id](users.html)');
    expect(page('rides', 'html')).toMatch(/<tr><td>status<\/td><td>one of: [a-z_, ]+<\/td><\/tr>/);
  });

  it('highlights each dataset its own path in the diagram: Mermaid in Markdown, SVG in HTML', () => {
    const rides = page('rides', 'md');
    expect(rides).toContain('```mermaid\nflowchart LR');
    expect(rides).toMatch(/class cassandra,debezium,kafka,sync,raw,spark,trusted,trino,uc,airflow,quality,contracts path/);
    const svg = page('rides', 'html');
    expect(svg).toContain('<g class="node store on" data-node="cassandra">');
    expect(svg).toContain('<g class="node store" data-node="postgres">');
    expect(page('users', 'html')).toContain('<g class="node store on" data-node="postgres">');
    expect(page('index', 'html')).not.toContain(' on" data-node=');
  });

  it('has the copyable snippets', () => {
    const users = page('users', 'md');
    expect(users).toContain('```sql\nSELECT * FROM hive.trusted.users LIMIT 10;\n```');
    expect(users).toContain('kafka-avro-console-consumer --bootstrap-server kafka-bootstrap.kafka.svc:9092 --topic ridehailing.public.users --from-beginning');
    expect(page('rides', 'md')).toContain('kafka-console-consumer --bootstrap-server kafka-bootstrap.kafka.svc:9092 --topic ridehailing.mobility.rides');
    expect(users).toContain('aws s3 ls --recursive --endpoint-url');
  });

  it('lists every dataset in the index without JavaScript, and indexes every field for the search', () => {
    const index = page('index', 'html');
    for (const ds of datasets) expect(index).toContain(`<a href="${lakeName(ds)}.html">`);
    const src = files.get('docs/assets/search-index.js')!;
    const data = JSON.parse(src.slice(src.indexOf('= ') + 2, src.lastIndexOf(';'))) as Array<{ name: string; fields: Array<{ name: string; href: string }> }>;
    expect(data.map((d) => d.name).sort()).toEqual(datasets.map((d) => d.name).sort());
    for (const ds of datasets) expect(data.find((d) => d.name === ds.name)!.fields.map((f) => f.href)).toEqual(ds.fields.map((f) => `${lakeName(ds)}.html#field-${f.name}`));
  });

  it('escapes text for HTML and Markdown', () => {
    expect(html('</script><b onclick="x">&\u202e')).toBe('&lt;/script&gt;&lt;b onclick=&quot;x&quot;&gt;&amp;');
    expect(md('# [a](javascript:x) | *b* <i>\nnext')).toBe('\\# \\[a\\](javascript:x) \\| \\*b\\* &lt;i&gt;<br>next');
    expect(md('1. not a list')).toBe('1\\. not a list');
  });
});
