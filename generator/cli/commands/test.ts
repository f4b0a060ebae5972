/**
 * `contractgen test`: the quality suites run on real data with embedded DuckDB (quality/run.ts). DuckDB is a
 * native module: it is loaded only when the command runs.
 */
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { defineCommand } from '../command.js';
import { analyzeFromFlags, configFlag, contractsFlag, report } from '../common.js';
import { useColor } from '../io.js';

export const test = defineCommand({
  name: 'test',
  summary: 'Run the quality suites on real data with embedded DuckDB; exits 1 on a failed expectation.',
  description: `Runs each dataset's quality suite (the expectations the quality target writes, whatever its GX
version) on real rows with embedded DuckDB: Parquet or JSON-lines files in a folder (<dataset>.parquet,
<dataset>.jsonl or a folder <dataset>/, hive partitions as columns), objects under an S3 prefix (endpoint from
AWS_ENDPOINT_URL or the config's MinIO, credentials from the AWS_* variables), or PostgreSQL tables. Prints each
expectation with PASS or FAIL, the observed value and up to 5 failing rows.`,
  flags: {
    data: { type: 'string', value: 'DIR|s3://BUCKET/PREFIX|postgresql://URL', required: true, help: 'a folder, s3://bucket/prefix or a postgresql:// URL' },
    contracts: contractsFlag,
    config: configFlag,
    dataset: { type: 'string', value: 'NAME', multiple: true, shownDefault: 'every dataset with data', help: 'only this dataset' },
    format: { type: 'string', value: 'FORMAT', choices: ['text', 'json', 'junit'], default: 'text', help: 'results as text, JSON, or JUnit XML for CI test reports' },
  },
  examples: [
    ['contractgen test --data ./samples', 'check <dataset>.parquet / .jsonl files in a folder'],
    ['contractgen test --data s3://lake-trusted/trusted/ --format junit > quality.xml', 'check the trusted layer on MinIO, as a CI test report'],
  ],
  async run({ flags }, io) {
    // the quality target's checks too: what it refuses, the suites cannot hold either
    const a = await analyzeFromFlags(io, flags, { targets: ['quality'], requireContracts: true });
    if (hasErrors(a.diagnostics)) {
      report(io, a.diagnostics, { format: 'text', verbose: false });
      return a.configErrors ? 2 : 1;
    }
    const [{ runQuality }, { renderJson, renderJunit, renderText }] = await Promise.all([import('../../quality/run.js'), import('../../quality/report.js')]);
    const progress = io.isTTY && flags.format === 'text';
    const results = await runQuality({
      model: a.model,
      config: a.config,
      data: flags.data,
      only: flags.dataset,
      cwd: io.cwd,
      env: io.env,
      onMissing: (lake, where) => io.stderr(`contractgen test: no data for ${lake} in ${where}; skipped\n`),
      onStep: (lake, i, n, type) => {
        if (progress) io.stderr(`\r\x1b[K[${i + 1}/${n}] ${lake}: ${type}`);
      },
    });
    if (progress) io.stderr('\r\x1b[K');
    io.stdout(flags.format === 'json' ? renderJson(results) : flags.format === 'junit' ? renderJunit(results) : renderText(results, useColor(io)));
    return results.some((r) => r.outcomes.some((o) => !o.passed)) ? 1 : 0;
  },
});
