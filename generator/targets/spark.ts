/**
 * `spark` target: a PySpark job per CDC dataset, raw → trusted. Explicit StructTypes from the contract (never
 * inferred); the raw JSON lines decoded into Debezium envelopes (from_avro on the Confluent wire format for
 * relational topics, from_json for the Cassandra agent's JSON); the latest state per key, ordered by the source
 * position (PostgreSQL LSN, MySQL binlog file/position/row, Cassandra write time) and then ts_ms; deleted keys
 * dropped; the contract's constraints checked, breaking rows written to quarantine; Parquet partitioned as the
 * contract says. The decoding, ordering and checks are Spark SQL strings, so they can be parsed and run by
 * another engine too.
 */
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
/** A range tombstone's bound as the Cassandra connector writes it: the bound's kind and its clustering values as text. */
const RANGE_BOUND = `StructType([${pyField('method', 'StringType()', true)}, ${pyField('values', `ArrayType(StructType([${pyField('name', 'StringType()', true)}, ${pyField('value', 'StringType()', true)}, ${pyField('type', 'StringType()', true)}]), True)`, true)}])`;

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

export interface SparkSql {
  /** the raw records of the topic's folder, each (partition, offset) once */
  records: string;
  flatten: string;
  /** relational sources: the position of the last TRUNCATE */
  truncated?: string;
  current: string;
  check: string;
}

/** The regular expression of a raw object's name (sync's objectKey): its 10-digit Kafka partition is group 1. */
export const RAW_OBJECT_NAME = String.raw`\+(\d{10})\+\d{20}(?:\+[0-9a-z-]+)?\.jsonl$`;

/**
 * The raw records each once. A store without conditional writes can hold a record twice (an upload that finished
 * after its writer was fenced); copies are byte-identical, so the job keeps one per (Kafka partition, offset) of
 * the topic's folder. The partition is in the object's name only (sync's objectKey); an object not named so is
 * kept whole.
 */
function recordsSql(): string {
  return [
    'SELECT key, value, `offset`, `timestamp`, _partition',
    'FROM (',
    "  SELECT *, row_number() OVER (PARTITION BY _partition, `offset`, CASE WHEN _partition = '' THEN _object END ORDER BY _object) AS _copy",
    `  FROM (SELECT key, value, \`offset\`, \`timestamp\`, regexp_extract(input_file_name(), ${sparkString(RAW_OBJECT_NAME)}, 1) AS _partition, input_file_name() AS _object FROM raw) AS named`,
    ') AS copies',
    'WHERE _copy = 1',
  ].join('\n');
}

/** Cassandra's rendering of a clustering bound (AbstractType.getString) read back as the column's trusted type. */
function boundValue(f: Field, text: string): string {
  const ddl = mapType(f.type).spark.ddl;
  if (ddl === 'string') return text;
  // TimestampSerializer.toString: "yyyy-MM-dd HH:mmXX" in the node's zone (minutes only)
  if (f.type.kind === 'timestamp' || f.type.kind === 'timestamp_ntz') {
    const ts = `try_to_timestamp(${text}, 'yyyy-MM-dd HH:mmXX')`;
    return ddl === 'timestamp' ? ts : `CAST(${ts} AS ${ddl.toUpperCase()})`;
  }
  return `TRY_CAST(${text} AS ${ddl.toUpperCase()})`;
}

export function sparkSql(ds: Dataset): SparkSql {
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
  const records = recordsSql();
  let flatten: string;
  let current: string;
  let truncated: string | undefined;
  if (src === 'cassandra') {
    ({ flatten, current } = cassandraSql(ds, { cols, badCols, typeChecked, converted, indent, bad }));
  } else {
    const seq = src === 'postgres' ? 'e.source.lsn' : "concat(e.source.file, ':', lpad(CAST(e.source.pos AS STRING), 20, '0'), ':', lpad(CAST(e.source.row AS STRING), 10, '0'))";
    // the row's state: the old row of a delete (its key), the new row otherwise; a truncate carries none
    const raw = (f: Field) => `_row.${sparkIdent(f.physicalName)}`;
    flatten = [
      'SELECT',
      indent(['e.op AS _op', `${seq} AS _seq`, 'e.source.ts_ms AS _src_ts', 'e.ts_ms AS _ts', ...fields.flatMap((f) => converted(f, raw(f)))]),
      "FROM (SELECT e, CASE WHEN e.op = 'd' THEN e.before ELSE e.after END AS _row FROM decoded WHERE e IS NOT NULL) AS d",
    ].join('\n');
    // a TRUNCATE (op t) removes every row whose latest event came before it
    truncated = "SELECT max(_seq) AS _truncated FROM events WHERE _op = 't'";
    current = [
      `SELECT ${[...cols, ...badCols].join(', ')}`,
      'FROM (',
      `  SELECT *, row_number() OVER (PARTITION BY ${pk.join(', ')} ORDER BY _seq DESC NULLS LAST, _src_ts DESC NULLS LAST, _ts DESC NULLS LAST) AS _rn`,
      '  FROM events',
      "  WHERE _op <> 't'",
      ') AS ranked',
      'CROSS JOIN truncated',
      "WHERE _rn = 1 AND _op <> 'd' AND (_truncated IS NULL OR _seq > _truncated)",
    ].join('\n');
  }
  const checks = violationChecks(ds, typeChecked);
  const check = [
    'SELECT',
    indent([...cols, checks.length ? `concat_ws(',',\n${checks.map((c, i) => `        CASE WHEN ${c.broken} THEN ${sparkString(c.rule)} END${i < checks.length - 1 ? ',' : ''}`).join('\n')}\n    ) AS _violations` : `'' AS _violations`]),
    'FROM current_state',
  ].join('\n');
  return { records, flatten, ...(truncated ? { truncated } : {}), current, check };
}

interface SqlParts {
  cols: string[];
  badCols: string[];
  typeChecked: ReadonlySet<Field>;
  converted: (f: Field, raw: string) => string[];
  indent: (xs: string[], n?: number) => string;
  bad: (f: Field) => string;
}

/**
 * Cassandra's write semantics over the connector's events (test/facts/debezium/cassandra.json), as the reference
 * model in the tests applies them:
 * - every event carries its write time in microseconds (source.ts_us; source.ts_ms * 1000 before Debezium has it);
 *   the top-level ts_ms is when the connector made the event, and only breaks ties;
 * - a cell is the latest write of its column (set: true), a null write included: it clears the column;
 * - a deletion with write time D removes every cell and row marker written at or before D: a row delete (op d),
 *   a partition delete (op d with the clustering columns null) for the whole partition, a range tombstone (op r)
 *   for the rows between its bounds (`_range_start`, `_range_end`, clustering order, prefixes);
 * - a cell with a TTL (deletion_ts on a written value) is gone at the end of --run-date once it expired; an INSERT
 *   (op i) keeps the row alive with only its key (its row marker) until deleted, or until its cells' TTL ends;
 * - a row exists while its marker or one of its cells is alive.
 */
function cassandraSql(ds: Dataset, p: SqlParts): { flatten: string; current: string } {
  const fields = ds.fields;
  const byName = new Map(fields.map((f) => [f.name, f]));
  const key = ds.cassandraKey ?? { partition: ds.primaryKey, clustering: [] };
  const partitionCols = key.partition.map((n) => sparkIdent(byName.get(n)!.physicalName));
  const clustering = key.clustering.map((c) => ({ field: byName.get(c.column)!, desc: c.order === 'DESC' }));
  const pkCols = ds.primaryKey.map((n) => sparkIdent(byName.get(n)!.physicalName));
  const regular = fields.filter((f) => !ds.primaryKey.includes(f.name));
  const live = regular.filter((f) => !f.cdcExcluded);
  const id = (f: Field, suffix = '') => sparkIdent(`${f.physicalName}${suffix}`);
  const cell = (f: Field) => `e.after.${sparkIdent(f.physicalName)}`;
  const ranges = clustering.length > 0;
  const boundText = (side: 'start' | 'end', f: Field) => `array_max(transform(filter(e.after._range_${side}.\`values\`, v -> v.name = ${sparkString(f.physicalName)}), v -> v.value))`;
  // every value of a bound names a clustering column and converts to its type; a bound is never missing
  const unreadable = (side: 'start' | 'end') =>
    `coalesce(exists(e.after._range_${side}.\`values\`, v -> NOT (${clustering.map(({ field }) => `(v.name = ${sparkString(field.physicalName)} AND ${boundValue(field, 'v.value')} IS NOT NULL)`).join(' OR ')})), true)`;
  // the TTL of an INSERT's row marker is its cells' (INSERT ... USING TTL gives both the same)
  const expiries = live.map((f) => `CASE WHEN ${cell(f)}.value IS NOT NULL THEN ${cell(f)}.deletion_ts END`);
  const liveExpires = live.length === 0 ? 'CAST(NULL AS BIGINT)' : `CASE WHEN e.op = 'i' AND NOT (${live.map((f) => `(${cell(f)}.value IS NOT NULL AND ${cell(f)}.deletion_ts IS NULL)`).join(' OR ')}) THEN ${expiries.length === 1 ? expiries[0] : `greatest(${expiries.join(', ')})`} END`;
  const flatten = [
    'SELECT',
    p.indent([
      'e.op AS _op',
      // the write time in microseconds; ts_ms is when the connector made the event
      'coalesce(e.source.ts_us, unix_micros(timestamp_millis(e.source.ts_ms))) AS _wts',
      'e.ts_ms AS _ts',
      ranges ? `CASE WHEN e.op = 'r' THEN 'range' WHEN e.op = 'd' AND ${cell(clustering[0]!.field)}.value IS NULL THEN 'partition' ELSE 'row' END AS _scope` : "'row' AS _scope",
      // TTLs are read at the end of --run-date
      "unix_micros(CAST(date_add(TRY_CAST(_run_date AS DATE), 1) AS TIMESTAMP)) AS _as_of",
      ...fields
        .filter((f) => ds.primaryKey.includes(f.name))
        .flatMap((f) => p.converted(f, `${cell(f)}.value`)),
      ...regular.flatMap((f) => [
        ...p.converted(f, `${cell(f)}.value`),
        f.cdcExcluded ? `false AS ${id(f, '__set')}` : `coalesce(${cell(f)}.\`set\`, false) AS ${id(f, '__set')}`,
        f.cdcExcluded ? `CAST(NULL AS BIGINT) AS ${id(f, '__expires')}` : `CASE WHEN ${cell(f)}.value IS NOT NULL THEN ${cell(f)}.deletion_ts END AS ${id(f, '__expires')}`,
      ]),
      `${liveExpires} AS _live_expires`,
      ...(ranges
        ? [
            ...clustering.flatMap(({ field }) => [`${boundValue(field, boundText('start', field))} AS ${id(field, '__start')}`, `${boundValue(field, boundText('end', field))} AS ${id(field, '__end')}`]),
            "coalesce(e.after._range_start.method RLIKE 'INCL_START', false) AS _start_inclusive",
            "coalesce(e.after._range_end.method RLIKE 'INCL_END', false) AS _end_inclusive",
            // a bound the job cannot read must not delete a whole partition: the job stops
            `e.op = 'r' AND (${unreadable('start')} OR ${unreadable('end')}) AS _range_unreadable`,
          ]
        : []),
    ]),
    'FROM decoded',
    'WHERE e IS NOT NULL',
  ].join('\n');
  // A range tombstone covers a row when the row's clustering is after its start and before its end, in clustering
  // order (a DESC column sorts the other way), a bound being a prefix of the clustering columns.
  const within = (side: 'start' | 'end') => {
    const inclusive = side === 'start' ? 'r.start_inclusive' : 'r.end_inclusive';
    const beyond = (c: (typeof clustering)[number], b: string) => (side === 'start' !== c.desc ? `${id(c.field)} > ${b}` : `${id(c.field)} < ${b}`);
    const bound = (c: (typeof clustering)[number]) => `r.${sparkIdent(`${c.field.physicalName}__${side}`)}`;
    const strictly = clustering.map((c, i) => `(${[`${bound(c)} IS NOT NULL`, ...clustering.slice(0, i).map((x) => `${id(x.field)} = ${bound(x)}`), beyond(c, bound(c))].join(' AND ')})`);
    const equal = `(${[...clustering.map((c) => `(${bound(c)} IS NULL OR ${id(c.field)} = ${bound(c)})`), inclusive].join(' AND ')})`;
    return `(${[...strictly, equal].join(' OR ')})`;
  };
  const rangeStruct = `named_struct(${["'ts', _wts", ...clustering.flatMap(({ field }) => [`${sparkString(`${field.physicalName}__start`)}, ${id(field, '__start')}`, `${sparkString(`${field.physicalName}__end`)}, ${id(field, '__end')}`]), "'start_inclusive', _start_inclusive", "'end_inclusive', _end_inclusive"].join(', ')})`;
  const cellStruct = (f: Field) => `named_struct(${[`'v', ${id(f)}`, "'ts', _wts", `'expires', ${id(f, '__expires')}`, ...(p.typeChecked.has(f) ? [`'bad', ${p.bad(f)}`] : [])].join(', ')})`;
  // a cell is alive when it holds a value (or one that did not convert: its `type` violation must reach CHECK),
  // no deletion came at or after its write, and its TTL has not run out
  const holds = (f: Field) => (p.typeChecked.has(f) ? `(${id(f, '__cell')}.v IS NOT NULL OR ${id(f, '__cell')}.bad)` : `${id(f, '__cell')}.v IS NOT NULL`);
  const alive = (f: Field) => `${holds(f)} AND (_deleted IS NULL OR ${id(f, '__cell')}.ts > _deleted) AND (${id(f, '__cell')}.expires IS NULL OR ${id(f, '__cell')}.expires > _as_of)`;
  const w = `PARTITION BY ${pkCols.join(', ')}`;
  const partitioned = ranges
    ? [
        '    SELECT *,',
        `      max(CASE WHEN _scope = 'partition' THEN _wts END) OVER (PARTITION BY ${partitionCols.join(', ')}) AS _partition_deleted,`,
        `      collect_list(CASE WHEN _scope = 'range' THEN ${rangeStruct} END) OVER (PARTITION BY ${partitionCols.join(', ')}) AS _ranges`,
        '    FROM events',
        "    WHERE CASE WHEN _range_unreadable THEN raise_error('a range tombstone with a bound the job cannot read') ELSE true END",
      ]
    : ['    SELECT *, CAST(NULL AS BIGINT) AS _partition_deleted FROM events'];
  const current = [
    'SELECT',
    p.indent([
      ...fields.map((f) => (ds.primaryKey.includes(f.name) ? id(f) : f.cdcExcluded ? `${id(f, '__cell')}.v AS ${id(f)}` : `CASE WHEN ${alive(f)} THEN ${id(f, '__cell')}.v END AS ${id(f)}`)),
      ...fields.filter((f) => p.typeChecked.has(f)).map((f) => (ds.primaryKey.includes(f.name) ? p.bad(f) : `(${alive(f)} AND ${id(f, '__cell')}.bad) AS ${p.bad(f)}`)),
    ]),
    'FROM (',
    '  SELECT *, greatest(_partition_deleted, _range_deleted, _row_deleted) AS _deleted',
    '  FROM (',
    '    SELECT',
    p.indent(
      [
        ...pkCols,
        ...fields.filter((f) => ds.primaryKey.includes(f.name) && p.typeChecked.has(f)).map((f) => p.bad(f)),
        '_as_of',
        '_partition_deleted',
        ranges ? `array_max(transform(filter(_ranges, r -> ${within('start')} AND ${within('end')}), r -> r.ts)) AS _range_deleted` : 'CAST(NULL AS BIGINT) AS _range_deleted',
        "max(CASE WHEN _op = 'd' THEN _wts END) OVER w AS _row_deleted",
        "last_value(CASE WHEN _op = 'i' THEN named_struct('ts', _wts, 'expires', _live_expires) END, true) OVER w AS _marker",
        ...regular.map((f) => `last_value(CASE WHEN ${id(f, '__set')} THEN ${cellStruct(f)} END, true) OVER w AS ${id(f, '__cell')}`),
        `row_number() OVER (${w} ORDER BY _wts, _ts) AS _rn`,
      ],
      6,
    ),
    '    FROM (',
    ...partitioned.map((l) => `  ${l}`),
    '    ) AS partitioned',
    "    WHERE _scope = 'row'",
    `    WINDOW w AS (${w} ORDER BY _wts, _ts ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`,
    '  ) AS merged',
    '  WHERE _rn = 1',
    ') AS keyed',
    `WHERE (_marker IS NOT NULL AND (_deleted IS NULL OR _marker.ts > _deleted) AND (_marker.expires IS NULL OR _marker.expires > _as_of))${live.map((f) => `\n   OR (${alive(f)})`).join('')}`,
  ].join('\n');
  return { flatten, current };
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
            pyField('source', `StructType([${pyField('ts_ms', 'LongType()', true)}, ${pyField('ts_us', 'LongType()', true)}, ${pyField('file', 'StringType()', true)}, ${pyField('pos', 'IntegerType()', true)}])`, true),
            pyField(
              'after',
              `StructType([\n${[
                ...ds.fields
                  .filter((f) => !f.cdcExcluded)
                  .map((f) => pyField(f.physicalName, `StructType([${pyField('value', sparkOfJson(mapType(f.type).cassandraJson), true)}, ${pyField('deletion_ts', 'LongType()', true)}, ${pyField('set', 'BooleanType()', true)}])`, true)),
                ...((ds.cassandraKey?.clustering.length ?? 0) > 0 ? ['_range_start', '_range_end'].map((n) => pyField(n, RANGE_BOUND, true)) : []),
              ]
                .map((x) => `        ${x}`)
                .join(',\n')},\n    ])`,
              true,
            ),
          ];
      const used = [...rowTypes, ...envelopeFields, 'StructType(', 'StructField(', 'StringType(', 'LongType('].join(' ');
      const typeImports = ['ArrayType', 'BooleanType', 'DateType', 'DecimalType', 'DoubleType', 'FloatType', 'IntegerType', 'LongType', 'MapType', 'ShortType', 'StringType', 'StructField', 'StructType', 'TimestampNTZType', 'TimestampType', 'BinaryType']
        .filter((t) => new RegExp(`\\b${t}\\(`).test(used))
        .sort()
        .join(', ');
      const sql = sparkSql(ds);
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
        registry: pyString(config.schemaRegistry.url),
        recordsSql: pyBlock(sql.records),
        flattenSql: pyBlock(sql.flatten),
        truncatedSql: sql.truncated ? pyBlock(sql.truncated) : '',
        currentDoc: avro ? 'the latest event of the key, ordered by the source position; deleted keys and keys truncated since dropped.' : "Cassandra's write semantics: each cell's latest write by write time; row, partition and range deletions; TTLs.",
        currentSql: pyBlock(sql.current),
        checkSql: pyBlock(sql.check),
      });
      files.push({ path: file, content, kind: 'py', sources: [ds.contract.file] });
    }
    if (files.length) files.push(...ctx.copies('spark', [...new Set(files.flatMap((f) => f.sources))])); // quality_runner.py
    return { files, diagnostics: [] };
  },
};
