/**
 * `spark` target: a PySpark job per CDC dataset, raw → trusted. Explicit StructTypes from the contract (never
 * inferred); the raw JSON lines decoded into Debezium envelopes (from_avro on the Confluent wire format for
 * relational topics, from_json for the Cassandra agent's JSON); the latest state per key, ordered by the source
 * position (PostgreSQL LSN, MySQL binlog file/position/row, Cassandra write time) and then ts_ms; deleted keys
 * dropped; the contract's constraints checked, breaking rows written to quarantine; Parquet partitioned as the
 * contract says. The decoding, ordering and checks are Spark SQL strings, so they can be parsed and run by
 * another engine too.
 */
import type { PlatformConfig } from '../config/config.js';
import { FORMAT_PATTERNS } from '../model/formats.js';
import type { Dataset, Field, SourceKind } from '../model/ir.js';
import { cdcTopic, lakeName, quarantineLocation, rawLocation, trustedLocation } from '../model/naming.js';
import { sparkIdent } from '../model/names.js';
import { nestedChecks } from '../model/nested.js';
import { mapType, type CdcConversion, type JsonSchema } from '../model/types.js';
import { sparkBroken } from '../quality/paths.js';
import { relationalSchemas } from './lang/avro-envelope.js';
import { datasetHeader } from './lang/comments.js';
import { icebergMode, icebergRuntime, icebergSparkConf, sparkTrustedTable } from './lang/iceberg.js';
import { pyBlock, pyString, sparkString } from './lang/python.js';
import { sparkPackages } from './lang/spark-packages.js';
import { served, type OutputFile, type Target } from './target.js';

const SPARK_JSON_TYPE: Record<string, string> = { string: 'StringType()', integer: 'LongType()', number: 'DoubleType()', boolean: 'BooleanType()' };
/** The Spark type that reads a value of this JSON Schema (the Cassandra agent's JSON): arrays, objects (UDTs) and maps nested. */
function sparkOfJson(j: JsonSchema): string {
  const t = Array.isArray(j.type) ? (j.type as string[])[0]! : (j.type as string);
  if (t === 'array') return `ArrayType(${sparkOfJson(j.items as JsonSchema)}, True)`;
  if (t === 'object' && j.properties) return `StructType([${Object.entries(j.properties as Record<string, JsonSchema>).map(([n, x]) => pyField(n, sparkOfJson(x), true)).join(', ')}])`;
  if (t === 'object' && j.additionalProperties) return `MapType(StringType(), ${sparkOfJson(j.additionalProperties as JsonSchema)}, True)`;
  return SPARK_JSON_TYPE[t] ?? 'StringType()';
}

const pyField = (name: string, type: string, nullable: boolean) => `StructField(${pyString(name)}, ${type}, ${nullable ? 'True' : 'False'})`;

/**
 * The rules each row is checked against, as Spark SQL conditions that are true when the rule is broken. A field in
 * `typeChecked` has a `<column>__bad` flag (its source value did not convert) and gets a `type` rule.
 */
export function violationChecks(ds: Dataset, typeChecked: ReadonlySet<Field> = new Set()): Array<{ rule: string; broken: string }> {
  const out: Array<{ rule: string; broken: string }> = [];
  for (const f of ds.fields) {
    const c = sparkIdent(f.physicalName);
    const k = f.constraints;
    if (typeChecked.has(f)) out.push({ rule: `${f.name}:type`, broken: sparkIdent(`${f.physicalName}__bad`) });
    const lit = (v: number | string) => (typeof v === 'number' ? String(v) : f.type.kind === 'date' ? `DATE ${sparkString(v)}` : f.type.kind.startsWith('timestamp') ? `TIMESTAMP ${sparkString(v)}` : sparkString(v));
    if (f.required) out.push({ rule: `${f.name}:required`, broken: `${c} IS NULL` });
    if (k.enum) out.push({ rule: `${f.name}:validValues`, broken: `${c} NOT IN (${k.enum.map((v) => (f.type.kind.startsWith('int') ? String(Number(v)) : sparkString(v))).join(', ')})` });
    const range: string[] = [];
    if (k.minimum !== undefined) range.push(`${c} < ${lit(k.minimum)}`);
    if (k.exclusiveMinimum !== undefined) range.push(`${c} <= ${lit(k.exclusiveMinimum)}`);
    if (k.maximum !== undefined) range.push(`${c} > ${lit(k.maximum)}`);
    if (k.exclusiveMaximum !== undefined) range.push(`${c} >= ${lit(k.exclusiveMaximum)}`);
    if (range.length) out.push({ rule: `${f.name}:range`, broken: range.join(' OR ') });
    const len: string[] = [];
    if (k.minLength !== undefined && k.minLength > 0) len.push(`char_length(${c}) < ${k.minLength}`);
    if (k.maxLength !== undefined) len.push(`char_length(${c}) > ${k.maxLength}`);
    if (len.length) out.push({ rule: `${f.name}:length`, broken: len.join(' OR ') });
    if (k.pattern !== undefined) out.push({ rule: `${f.name}:pattern`, broken: `NOT (${c} RLIKE ${sparkString(k.pattern)})` });
    const fmt = k.format !== undefined ? FORMAT_PATTERNS[k.format] : f.type.kind === 'uuid' ? FORMAT_PATTERNS.uuid : undefined;
    if (fmt) out.push({ rule: `${f.name}:format`, broken: `NOT (${c} RLIKE ${sparkString(fmt)})` });
    // inside nested values: object fields, array items, map keys and values; and the column's item counts
    for (const n of nestedChecks(ds.name, f, FORMAT_PATTERNS)) out.push({ rule: n.rule.slice(ds.name.length + 1), broken: sparkBroken(f.physicalName, n) });
  }
  return out;
}

/** The CDC conversion of a field for the dataset's source (the type table's sparkFromCdc column). */
function cdcConversion(f: Field, src: SourceKind): CdcConversion {
  const c = mapType(f.type).sparkFromCdc;
  return src === 'cassandra' ? c.cassandraJson : c.avro[src];
}

export function sparkSql(ds: Dataset, config: PlatformConfig): { flatten: string; current: string; check: string } {
  const src = ds.source!.kind;
  const fields = ds.fields;
  const byName = new Map(fields.map((f) => [f.name, f]));
  const pk = ds.primaryKey.map((n) => sparkIdent(byName.get(n)!.physicalName));
  const cols = fields.map((f) => sparkIdent(f.physicalName));
  const indent = (xs: string[], n = 4) => xs.map((x, i) => `${' '.repeat(n)}${x}${i < xs.length - 1 ? ',' : ''}`).join('\n');
  // fields whose source value can fail to convert: FLATTEN flags them (<column>__bad), CHECK reports `type`
  const typeChecked = new Set(fields.filter((f) => !f.cdcExcluded && cdcConversion(f, src).nullOnBadValue));
  const bad = (f: Field) => sparkIdent(`${f.physicalName}__bad`);
  const badCols = fields.filter((f) => typeChecked.has(f)).map(bad);
  // a column the CDC stream does not carry (contractgen.cdc.exclude) is NULL in the lake
  const excluded = (f: Field) => `CAST(NULL AS ${mapType(f.type).spark.ddl})`;
  /** The converted value of a field, and its __bad flag when it has one. */
  const converted = (f: Field, raw: string): string[] => {
    if (f.cdcExcluded) return [`${excluded(f)} AS ${sparkIdent(f.physicalName)}`];
    const value = cdcConversion(f, src).sql(raw, sparkString);
    return [`${value} AS ${sparkIdent(f.physicalName)}`, ...(typeChecked.has(f) ? [`(${raw} IS NOT NULL AND ${value} IS NULL) AS ${bad(f)}`] : [])];
  };
  let flatten: string;
  let current: string;
  if (src === 'cassandra') {
    flatten = [
      'SELECT',
      indent([
        'e.op AS _op',
        'e.source.ts_ms AS _seq',
        'e.source.ts_ms AS _src_ts',
        'e.ts_ms AS _ts',
        ...fields.flatMap((f) => [
          ...converted(f, `e.after.${sparkIdent(f.physicalName)}.value`),
          f.cdcExcluded ? `false AS ${sparkIdent(`${f.physicalName}__set`)}` : `coalesce(e.after.${sparkIdent(f.physicalName)}.\`set\`, false) AS ${sparkIdent(`${f.physicalName}__set`)}`,
        ]),
      ]),
      'FROM decoded',
      'WHERE e IS NOT NULL',
    ].join('\n');
    // Cassandra events carry only the cells a write touched: merge them column by column, newest set value wins.
    const nonKey = fields.filter((f) => !ds.primaryKey.includes(f.name));
    const latestSet = (f: Field, col: string) => `last_value(CASE WHEN ${sparkIdent(`${f.physicalName}__set`)} THEN ${col} END, true) OVER w`;
    current = [
      `SELECT ${[...cols, ...badCols].join(', ')}`,
      'FROM (',
      '  SELECT',
      indent(
        [
          ...pk,
          ...nonKey.map((f) => `${latestSet(f, sparkIdent(f.physicalName))} AS ${sparkIdent(f.physicalName)}`),
          ...fields.filter((f) => typeChecked.has(f)).map((f) => `${latestSet(f, bad(f))} AS ${bad(f)}`),
          'last_value(_op) OVER w AS _last_op',
          `row_number() OVER (PARTITION BY ${pk.join(', ')} ORDER BY _seq DESC, _ts DESC) AS _rn`,
        ],
        4,
      ),
      '  FROM events',
      `  WINDOW w AS (PARTITION BY ${pk.join(', ')} ORDER BY _seq, _ts ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`,
      ') AS merged',
      "WHERE _rn = 1 AND _last_op <> 'd'",
    ].join('\n');
  } else {
    const seq = src === 'postgres' ? 'e.source.lsn' : "concat(e.source.file, ':', lpad(CAST(e.source.pos AS STRING), 20, '0'), ':', lpad(CAST(e.source.row AS STRING), 10, '0'))";
    // the row's state: the old row of a delete (its key), the new row otherwise
    const raw = (f: Field) => `_row.${sparkIdent(f.physicalName)}`;
    flatten = [
      'SELECT',
      indent(['e.op AS _op', `${seq} AS _seq`, 'e.source.ts_ms AS _src_ts', 'e.ts_ms AS _ts', ...fields.flatMap((f) => converted(f, raw(f)))]),
      "FROM (SELECT e, CASE WHEN e.op = 'd' THEN e.before ELSE e.after END AS _row FROM decoded WHERE e IS NOT NULL) AS d",
    ].join('\n');
    current = [
      `SELECT ${[...cols, ...badCols].join(', ')}`,
      'FROM (',
      `  SELECT *, row_number() OVER (PARTITION BY ${pk.join(', ')} ORDER BY _seq DESC NULLS LAST, _src_ts DESC NULLS LAST, _ts DESC NULLS LAST) AS _rn`,
      '  FROM events',
      ') AS ranked',
      "WHERE _rn = 1 AND _op <> 'd'",
    ].join('\n');
  }
  const checks = violationChecks(ds, typeChecked);
  const check = [
    'SELECT',
    indent([...cols, checks.length ? `concat_ws(',',\n${checks.map((c, i) => `        CASE WHEN ${c.broken} THEN ${sparkString(c.rule)} END${i < checks.length - 1 ? ',' : ''}`).join('\n')}\n    ) AS _violations` : `'' AS _violations`]),
    'FROM current_state',
  ].join('\n');
  void config;
  return { flatten, current, check };
}

export const sparkTarget: Target = {
  id: 'spark',
  description: 'PySpark raw → trusted jobs: explicit StructTypes, Debezium envelope decoding, latest state per key, contract checks with quarantine, partitioned Parquet',
  run(model, ctx) {
    const config = ctx.config;
    const files: OutputFile[] = [];
    const datasets = served('spark', model, config);
    const iceberg = icebergMode(config);
    for (const ds of datasets) {
      const name = lakeName(ds);
      const avro = ds.source!.kind !== 'cassandra';
      const rowTypes = ds.fields.map((f) => mapType(f.type).spark.python);
      const envelopeFields = avro
        ? []
        : [
            pyField('ts_ms', 'LongType()', true),
            pyField('op', 'StringType()', true),
            pyField('source', `StructType([${pyField('ts_ms', 'LongType()', true)}, ${pyField('file', 'StringType()', true)}, ${pyField('pos', 'IntegerType()', true)}])`, true),
            pyField(
              'after',
              `StructType([\n${ds.fields
                .filter((f) => !f.cdcExcluded)
                .map((f) => `        ${pyField(f.physicalName, `StructType([${pyField('value', sparkOfJson(mapType(f.type).cassandraJson), true)}, ${pyField('deletion_ts', 'LongType()', true)}, ${pyField('set', 'BooleanType()', true)}])`, true)}`)
                .join(',\n')},\n    ])`,
              true,
            ),
          ];
      const used = [...rowTypes, ...envelopeFields, 'StructType(', 'StructField(', 'StringType(', 'LongType('].join(' ');
      const typeImports = ['ArrayType', 'BooleanType', 'DateType', 'DecimalType', 'DoubleType', 'FloatType', 'IntegerType', 'LongType', 'MapType', 'ShortType', 'StringType', 'StructField', 'StructType', 'TimestampNTZType', 'TimestampType', 'BinaryType']
        .filter((t) => new RegExp(`\\b${t}\\(`).test(used))
        .sort()
        .join(', ');
      const sql = sparkSql(ds, config);
      const file = `${name}_job.py`;
      const content = ctx.template('spark/job.py')({
        ...datasetHeader(ds),
        topic: cdcTopic(ds, config),
        partitions: ds.partitionedBy.join(', '),
        packages35: [sparkPackages('3.5', avro), ...(iceberg ? [icebergRuntime('3.5')] : [])].join(','),
        packages40: [sparkPackages('4.0', avro), ...(iceberg ? [icebergRuntime('4.0')] : [])].join(','),
        file,
        avro,
        typeImports,
        rawPath: pyString(rawLocation(ds, config)!),
        trustedPath: pyString(trustedLocation(ds, config)),
        iceberg,
        trustedTable: sparkTrustedTable(ds, config),
        trustedTableLiteral: pyString(sparkTrustedTable(ds, config)),
        icebergUri: pyString(config.iceberg.uri),
        icebergConf: icebergSparkConf(config).map(([k, v]) => `.config(${pyString(k)}, ${k.endsWith('.uri') ? 'ICEBERG_CATALOG_URI' : pyString(v)})`),
        quarantinePath: pyString(quarantineLocation(ds, config)),
        endpoint: pyString(config.minio.endpoint),
        partitionList: ds.partitionedBy.map((n) => pyString(ds.fields.find((f) => f.name === n)!.physicalName)).join(', '),
        rowFields: ds.fields.map((f, i) => pyField(f.physicalName, rowTypes[i]!, !f.required)),
        envelope: avro ? `"""\n${pyBlock(JSON.stringify(relationalSchemas(ds, config).envelope, null, 2))}\n"""` : '',
        envelopeFields,
        flattenSql: pyBlock(sql.flatten),
        currentSql: pyBlock(sql.current),
        checkSql: pyBlock(sql.check),
      });
      files.push({ path: file, content, kind: 'py', sources: [ds.contract.file] });
    }
    if (files.length) files.push(...ctx.copies('spark', [...new Set(files.flatMap((f) => f.sources))])); // quality_runner.py
    return { files, diagnostics: [] };
  },
};
