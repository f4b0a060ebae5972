/**
 * The generated Spark job's SQL, run by DuckDB: the job's own FLATTEN_SQL, CURRENT_SQL and CHECK_SQL strings,
 * read from the generated Python, with the few Spark SQL constructs DuckDB spells differently rewritten. Each
 * rule is mechanical and listed here; anything else in the job's SQL runs as written.
 */

/** Reads a module-level `NAME = """..."""` string of the generated Python, as Python would (\\ → \). */
export function pythonSql(source: string, name: string): string {
  const m = new RegExp(`^${name} = """\\n([\\s\\S]*?)\\n"""`, 'm').exec(source);
  if (!m) throw new Error(`no ${name} in the generated job`);
  return m[1]!.replace(/\\(["\\])/g, '$1');
}

/** Splits SQL into string literals and the rest, so rewrites never touch the inside of a literal. */
function mapOutsideLiterals(sql: string, fn: (code: string) => string, lit: (literal: string) => string): string {
  return sql
    .split(/('(?:[^'\\]|\\.)*')/)
    .map((part, i) => (i % 2 === 1 ? lit(part) : fn(part)))
    .join('');
}

export function sparkToDuckdb(sql: string): string {
  // a RLIKE 'p' = regexp_matches(a, 'p') (both find the pattern anywhere in the value)
  const rlike = sql.replace(/([A-Za-z_][\w.]*|`(?:[^`]|``)*`) RLIKE ('(?:[^'\\]|\\.)*')/g, 'regexp_matches($1, $2)');
  return mapOutsideLiterals(
    rlike,
    (code) =>
      code
        // identifiers: `x` → "x"
        .replace(/`((?:[^`]|``)*)`/g, (_m, id: string) => `"${id.replace(/``/g, '`').replace(/"/g, '""')}"`)
        // last_value(x, true) = last_value(x IGNORE NULLS)
        .replace(/last_value\(([^()]*?), true\)/g, 'last_value($1 IGNORE NULLS)')
        // to_timestamp(ISO text) is a cast; timestamp_millis and timestamp_micros are epoch conversions
        .replace(/\bto_timestamp\(/g, 'CAST_TIMESTAMPTZ(')
        .replace(/\btimestamp_millis\(/g, 'make_timestamptz_ms(')
        .replace(/\btimestamp_micros\(/g, 'make_timestamp(')
        // Spark's TIMESTAMP is an instant (DuckDB's TIMESTAMPTZ), its TIMESTAMP_NTZ a wall-clock time (DuckDB's TIMESTAMP)
        .replace(/\bAS TIMESTAMP(_NTZ|_LTZ)?\)/g, (_m, suffix?: string) => (suffix === '_NTZ' ? 'AS TIMESTAMP)' : 'AS TIMESTAMPTZ)'))
        // date_add(date, n): the job passes n as an INT (Spark takes nothing wider); DuckDB adds an INTEGER to a DATE
        .replace(/\bdate_add\(/g, 'spark_date_add('),
    // Spark string literals take backslash escapes; DuckDB's do not
    (literal) => `'${literal.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => (c === "'" ? "''" : c))}'`,
  );
}

/** Macros for the Spark functions DuckDB names differently (created once per connection). */
export const DUCKDB_MACROS = [
  'CREATE OR REPLACE MACRO CAST_TIMESTAMPTZ(x) AS CAST(x AS TIMESTAMPTZ)',
  'CREATE OR REPLACE MACRO spark_date_add(d, n) AS d + CAST(n AS INTEGER)',
  'CREATE OR REPLACE MACRO make_timestamptz_ms(x) AS CAST(make_timestamp(CAST(x AS BIGINT) * 1000) AS TIMESTAMPTZ)',
];
