/**
 * `contractgen import`: contracts from what exists (import/). The source is read and drafted into contracts by
 * the library, as typed values; this module writes them, or merges one into a contract on disk and prints what
 * changed in the words of `contractgen breaking`.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { cmp, hasErrors, summary, UsageError } from '../../diagnostics/diagnostic.js';
import { displayPath } from '../../load/files.js';
import { defineCommand } from '../command.js';
import { formatFlag, report } from '../common.js';
import { useColor } from '../io.js';
import { dialectFlag, readSourceFromFlags, schemaFlag, SOURCE_KINDS } from '../source.js';

/** The version rules say nothing about a merge: the contract's version is the author's to bump. */
const VERSION_RULES = ['VERSION_BUMP_REQUIRED', 'VERSION_NOT_INCREASED', 'MAJOR_VERSION_BUMP'];

export const importCommand = defineCommand({
  name: 'import',
  summary: 'Write contracts from a live PostgreSQL, PostgreSQL or MySQL DDL, CQL, Avro or JSON Schema.',
  description: `Writes one contract per table (ODCS v3.1 with contractgen's extensions, deterministic) from what exists:
a live PostgreSQL (a postgresql:// URL; the password from the URL or PGPASSWORD), PostgreSQL or MySQL DDL,
CQL (DESCRIBE KEYSPACE output), Avro schemas or Schema Registry subjects (Debezium envelopes unwrapped), or
JSON Schema. What the source cannot tell (owner, purpose, SLA, a file's host and database) is left as a
TODO(import) placeholder, and PII is suggested (contractgen.pii.suggested), never asserted: lint warns on both
(PLACEHOLDER, PII_SUGGESTED) until a person decides. An existing contract is never overwritten (exit 2, naming
it). --merge CONTRACT updates that contract's schema from the source instead, keeps everything written by hand,
and prints what changed with the rule IDs of breaking. Exits 1 when the source does not parse, has no table or
lacks a --table, 2 when it cannot be read. Sources, mappings and losses: docs/import.md.`,
  positionals: { name: 'SOURCE', min: 1, max: 1, help: SOURCE_KINDS },
  flags: {
    out: { type: 'string', value: 'DIR', shownDefault: 'contracts/', help: 'where the contracts go' },
    table: { type: 'string', value: 'NAME', multiple: true, shownDefault: 'all', help: 'only this table (NAME or SCHEMA.NAME)' },
    merge: { type: 'string', value: 'CONTRACT', help: "update this contract's schema from the source, in place, instead of writing new ones" },
    dialect: dialectFlag,
    schema: schemaFlag,
    format: formatFlag,
    verbose: { type: 'boolean', help: 'also print info diagnostics (each CHECK kept whole …)' },
  },
  examples: [
    ['contractgen import postgresql://app@db:5432/app --schema public', 'a contract per table of a live database'],
    ['contractgen import schema.sql --dialect mysql --out contracts/shop', 'from a MySQL schema dump (mysqldump without data)'],
    ['contractgen import rides.cql --table rides', 'one table of a DESCRIBE KEYSPACE output'],
    ['contractgen import users.sql --merge contracts/users.odcs.yaml', "bring a contract's schema up to date, keeping what was written by hand"],
  ],
  async run({ flags, positionals }, io) {
    if (flags.merge !== undefined && flags.out !== undefined) throw new UsageError('--merge updates a contract in place; it takes no --out');
    const src = await readSourceFromFlags(io, positionals[0]!, flags, flags);
    if (typeof src === 'number') return src;
    const tables = flags.table;
    const { draftContracts, placeholderCount } = await import('../../import/odcs.js');

    if (flags.merge !== undefined) {
      const file = flags.merge;
      const abs = resolve(io.cwd, file);
      if (!existsSync(abs)) throw new UsageError(`--merge ${file}: no such contract`);
      const shown = displayPath(io.cwd, abs);
      const before = readFileSync(abs, 'utf8');
      const [{ mergeContract }, { loadContract, loadConfig }, { diffModels }, { formatChanges }] = await Promise.all([
        import('../../import/merge.js'),
        import('../../analyze.js'),
        import('../../breaking/diff.js'),
        import('../../breaking/format.js'),
      ]);
      const scoped = tables.length ? { ...src, tables: src.tables.filter((t) => tables.includes(t.name) || tables.includes(`${t.namespace}.${t.name}`)) } : src;
      const r = mergeContract(shown, before, scoped);
      const diags = [...src.diagnostics, ...r.diagnostics];
      report(io, diags, flags);
      if (hasErrors(diags)) {
        if (flags.format === 'text') io.stderr(`contractgen: ${summary(diags)}; ${shown} was not changed\n`);
        return 1;
      }
      if (!r.changed) {
        if (flags.format === 'text') io.stderr(`contractgen: ${shown} already matches ${src.label}\n`);
        return 0;
      }
      // what changed, in the words of `contractgen breaking`: the merged contract against the one on disk
      const { config } = loadConfig(io.cwd, undefined, false);
      const old = loadContract(`${shown} (before)`, before);
      const now = loadContract(shown, r.text);
      const changes = diffModels({ model: { datasets: old.datasets }, config }, { model: { datasets: now.datasets }, config }, { disabled: VERSION_RULES });
      writeFileSync(abs, r.text);
      const out = formatChanges(changes, flags.format, { color: useColor(io) && flags.format === 'text', verbose: true });
      if (flags.format === 'json') io.stdout(out);
      else if (out) io.stderr(out);
      if (flags.format === 'text') io.stderr(`contractgen: merged ${src.label} into ${shown}: ${changes.length} change${changes.length === 1 ? '' : 's'}${hasErrors(now.diagnostics) ? '; the contract now has lint errors (contractgen lint shows them)' : ''}\n`);
      return 0;
    }

    const { drafts, diagnostics } = draftContracts(src, { tables });
    // a source that did not parse has no table either: its syntax errors say it, IMPORT_EMPTY would repeat it
    const diags = [...src.diagnostics, ...diagnostics.filter((d) => !(d.rule === 'IMPORT_EMPTY' && hasErrors(src.diagnostics)))];
    report(io, diags, flags);
    if (hasErrors(diags)) {
      if (flags.format === 'text') io.stderr(`contractgen: ${summary(diags)}; nothing was written\n`);
      return 1;
    }
    const outDir = resolve(io.cwd, flags.out ?? 'contracts');
    if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UsageError(`--out ${flags.out ?? 'contracts'}: not a directory`);
    const { serializeDraft } = await import('../../import/write.js');
    const files = drafts.map((d) => ({ abs: join(outDir, d.file), text: serializeDraft(d, src.label), draft: d }));
    const existing = files.filter((f) => existsSync(f.abs)).map((f) => displayPath(io.cwd, f.abs));
    if (existing.length) throw new UsageError(`refusing to overwrite ${existing.join(', ')}; use --merge to update an existing contract, or --out another directory`);
    mkdirSync(outDir, { recursive: true });
    for (const f of files) writeFileSync(f.abs, f.text);
    const placeholders = files.reduce((n, f) => n + placeholderCount(f.draft.odcs), 0);
    const pii = files.reduce((n, f) => n + (f.text.match(/contractgen\.pii\.suggested/g)?.length ?? 0), 0);
    if (flags.format === 'text') {
      io.stderr(`contractgen: wrote ${files.length} contract${files.length === 1 ? '' : 's'} to ${displayPath(io.cwd, outDir)}/ from ${src.label}: ${files.map((f) => basename(f.abs)).sort(cmp).join(', ')}\n`);
      io.stderr(`contractgen: review them: ${placeholders} placeholder value${placeholders === 1 ? '' : 's'} (TODO(import)) and ${pii} PII suggestion${pii === 1 ? '' : 's'}; \`contractgen lint\` lists each\n`);
    }
    return 0;
  },
});
