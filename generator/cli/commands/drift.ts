/**
 * `contractgen drift`: the contracts compared with what a source really has (import/drift.ts), every
 * difference reported with the rule IDs of `contractgen breaking`, contract ⇄ source, at the contract's line.
 */
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { defineCommand } from '../command.js';
import { analyzeFromFlags, configFlag, contractsFlag, formatFlag, report } from '../common.js';
import { useColor } from '../io.js';
import { dialectFlag, readSourceFromFlags, schemaFlag, SOURCE_KINDS } from '../source.js';

export const drift = defineCommand({
  name: 'drift',
  summary: 'Compare a live PostgreSQL or a DDL/CQL/Avro/JSON Schema file with the contracts; exits 1 on a breaking difference.',
  description: `Reads the source as import does and compares it with the contracts through the breaking-change rules,
as if the source were the contracts' next version: a column added, dropped, retyped or made nullable, a constraint
dropped or tightened, a key changed, a table missing. Each difference is reported at the contract's line with the
source position in the message, infos included. What a source cannot state (PII, SLA, topics; for CQL and JSON
Schema nullability, constraints or lengths) is taken from the contract, so it is never reported as drift. Made for
a scheduled CI job: docs/import.md shows one. Exits 1 on a breaking difference or a source that does not parse,
2 when the source cannot be read.`,
  positionals: { name: 'PATH', help: 'contracts to compare, as with --contracts' },
  flags: {
    source: { type: 'string', value: 'URL|FILE', required: true, help: `the source the contracts are compared with: ${SOURCE_KINDS}` },
    contracts: contractsFlag,
    config: configFlag,
    dialect: dialectFlag,
    schema: schemaFlag,
    format: formatFlag,
    verbose: { type: 'boolean', help: "also print the source's warnings and infos (types mapped with a loss …)" },
  },
  examples: [
    ['contractgen drift --source "postgresql://readonly@db.internal:5432/app"', 'has production drifted from the contracts?'],
    ['contractgen drift --source schema.sql --format github', 'compare with a schema dump, as pull-request annotations'],
    ['contractgen drift --source rides.cql --contracts contracts/rides.odcs.yaml', 'one contract against a DESCRIBE KEYSPACE output'],
  ],
  async run({ flags, positionals }, io) {
    const a = await analyzeFromFlags(io, flags, { positionals, requireContracts: true });
    if (a.configErrors || hasErrors(a.diagnostics)) {
      report(io, a.diagnostics, flags);
      if (flags.format === 'text') io.stderr('contractgen: the contracts have errors; fix them before comparing\n');
      return a.configErrors ? 2 : 1;
    }
    const src = await readSourceFromFlags(io, flags.source, flags, flags);
    if (typeof src === 'number') return src;
    const [{ diag }, { drift: compare }, { formatChanges }] = await Promise.all([import('../../import/describe.js'), import('../../import/drift.js'), import('../../breaking/format.js')]);
    const sourceErrors = src.diagnostics.filter((d) => d.severity === 'error');
    if (!sourceErrors.length && src.tables.length === 0) sourceErrors.push(diag({ file: src.label, line: 1, col: 1 }, 'IMPORT_EMPTY', `${src.label} has no table to compare with the contracts`));
    if (sourceErrors.length) {
      report(io, sourceErrors, flags);
      return 1;
    }
    if (flags.verbose) report(io, src.diagnostics, { format: flags.format === 'json' ? 'text' : flags.format, verbose: true });
    const r = compare({ analysis: a, source: src });
    // every difference is shown, info ones too: drift exists to list them
    const text = formatChanges(r.changes, flags.format, { color: useColor(io) && flags.format === 'text', verbose: true });
    if (flags.format === 'json') io.stdout(text);
    else if (text) io.stderr(text);
    const errors = r.changes.filter((c) => c.severity === 'error').length;
    const others = r.changes.length - errors;
    if (flags.format === 'text') {
      io.stderr(`contractgen: ${r.compared.length} dataset${r.compared.length === 1 ? '' : 's'} compared with ${src.label}: ${errors} breaking difference${errors === 1 ? '' : 's'}, ${others} other${others === 1 ? '' : 's'}\n`);
    }
    return errors ? 1 : 0;
  },
});
