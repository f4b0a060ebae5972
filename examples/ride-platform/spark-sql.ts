/**
 * The generated Spark job's SQL, run by DuckDB: the job's own RECORDS_SQL, FLATTEN_SQL, TRUNCATED_SQL, CURRENT_SQL
 * and CHECK_SQL strings, read from the generated Python, with the few Spark SQL constructs DuckDB spells differently
 * rewritten. Each rule is mechanical and listed here (and tested in test/example.test.ts); anything else in the
 * job's SQL runs as written.
 */

/** Reads a module-level `NAME = """..."""` string of the generated Python, as Python would (\\ → \). */
export function pythonSql(source: string, name: string): string {
  const m = new RegExp(`^${name} = """\\n([\\s\\S]*?)\\n"""`, 'm').exec(source);
  if (!m) throw new Error(`no ${name} in the generated job`);
  return m[1]!.replace(/\\(["\\])/g, '$1');
}

/** Whether the generated Python defines a module-level `NAME = """..."""` string. */
export function hasPythonSql(source: string, name: string): boolean {
  return new RegExp(`^${name} = """\\n`, 'm').test(source);
}

/** A Spark string literal as DuckDB spells it: Spark takes backslash escapes, DuckDB does not. */
const duckLiteral = (literal: string) => `'${literal.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => (c === "'" ? "''" : c))}'`;

/** Splits the text of a call's arguments at its top-level commas. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (text.trim() !== '' || out.length) out.push(text.slice(start).trim());
  return out;
}

/**
 * Rewrites every call `name(args)` (case-insensitive, not preceded by a word character or a dot) whose rule returns
 * a replacement; arguments are rewritten first, so calls nest. Literals are placeholders by then, so parentheses
 * are balanced.
 */
function rewriteCalls(code: string, rules: Record<string, (args: string[]) => string | undefined>): string {
  const names = Object.keys(rules);
  const re = new RegExp(`(?<![\\w.])(${names.join('|')})\\(`, 'gi');
  let out = '';
  let at = 0;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    let depth = 1;
    let i = re.lastIndex;
    for (; i < code.length && depth > 0; i++) {
      if (code[i] === '(') depth++;
      else if (code[i] === ')') depth--;
    }
    const inner = rewriteCalls(code.slice(re.lastIndex, i - 1), rules);
    const replaced = rules[m[1]!.toLowerCase()]!(splitArgs(inner));
    out += code.slice(at, m.index) + (replaced ?? `${m[1]}(${inner})`);
    at = i;
    re.lastIndex = i;
  }
  return out + code.slice(at);
}

export function sparkToDuckdb(sql: string): string {
  // string literals out of the way first: no rewrite touches the inside of a literal
  const literals: string[] = [];
  let code = sql.replace(/'(?:[^'\\]|\\.)*'/g, (lit) => `\u0000${literals.push(duckLiteral(lit)) - 1}\u0000`);
  const literal = (placeholder: string) => /^\u0000(\d+)\u0000$/.exec(placeholder.trim());
  // a RLIKE 'p' = regexp_matches(a, 'p') (both find the pattern anywhere in the value)
  code = code.replace(/([A-Za-z_][\w.]*|`(?:[^`]|``)*`) RLIKE (\u0000\d+\u0000)/g, 'regexp_matches($1, $2)');
  // identifiers: `x` → "x"
  code = code.replace(/`((?:[^`]|``)*)`/g, (_m, id: string) => `"${id.replace(/``/g, '`').replace(/"/g, '""')}"`);
  code = rewriteCalls(code, {
    // last_value(x, true) = last_value(x IGNORE NULLS)
    last_value: (a) => (a.length === 2 && a[1]!.toLowerCase() === 'true' ? `last_value(${a[0]} IGNORE NULLS)` : undefined),
    // named_struct('a', x, ...) = struct_pack("a" := x, ...)
    named_struct: (a) => {
      const pairs: string[] = [];
      for (let i = 0; i < a.length; i += 2) {
        const name = literal(a[i]!);
        if (!name) return undefined;
        pairs.push(`"${literals[Number(name[1])]!.slice(1, -1).replace(/''/g, "'").replace(/"/g, '""')}" := ${a[i + 1]}`);
      }
      return `struct_pack(${pairs.join(', ')})`;
    },
    // collect_list skips NULLs; DuckDB's list keeps them unless filtered
    collect_list: (a) => (a.length === 1 ? `list(${a[0]}) FILTER (WHERE (${a[0]}) IS NOT NULL)` : undefined),
    // higher-order functions: the list_ spellings (the lambda syntax x -> ... is the same)
    filter: (a) => `list_filter(${a.join(', ')})`,
    transform: (a) => `list_transform(${a.join(', ')})`,
    // exists(a, f): some element satisfies f (false for an empty array, NULL for a NULL one)
    exists: (a) => (a.length === 2 ? `(len(list_filter(${a[0]}, ${a[1]})) > 0)` : undefined),
    array_max: (a) => `list_max(${a.join(', ')})`,
    raise_error: (a) => `error(${a.join(', ')})`,
    // the raw object a record was read from: DuckDB's readers name it in their `filename` column
    input_file_name: (a) => (a.length === 0 ? 'filename' : undefined),
    // to_timestamp(ISO text) is a cast; timestamp_millis, timestamp_micros and unix_micros are epoch conversions
    to_timestamp: (a) => `CAST_TIMESTAMPTZ(${a.join(', ')})`,
    timestamp_millis: (a) => `make_timestamptz_ms(${a.join(', ')})`,
    timestamp_micros: (a) => `make_timestamp(${a.join(', ')})`,
    unix_micros: (a) => `epoch_us(${a.join(', ')})`,
    // date_add(date, n): the job passes n as an INT (Spark takes nothing wider); DuckDB adds an INTEGER to a DATE
    date_add: (a) => `spark_date_add(${a.join(', ')})`,
  });
  // Spark's TIMESTAMP is an instant (DuckDB's TIMESTAMPTZ), its TIMESTAMP_NTZ a wall-clock time (DuckDB's TIMESTAMP)
  code = code.replace(/\bAS TIMESTAMP(_NTZ|_LTZ)?\)/g, (_m, suffix?: string) => (suffix === '_NTZ' ? 'AS TIMESTAMP)' : 'AS TIMESTAMPTZ)'));
  return code.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => literals[Number(i)]!);
}

/** Macros for the Spark functions DuckDB names differently (created once per connection). */
export const DUCKDB_MACROS = [
  'CREATE OR REPLACE MACRO CAST_TIMESTAMPTZ(x) AS CAST(x AS TIMESTAMPTZ)',
  'CREATE OR REPLACE MACRO spark_date_add(d, n) AS d + CAST(n AS INTEGER)',
  'CREATE OR REPLACE MACRO make_timestamptz_ms(x) AS CAST(make_timestamp(CAST(x AS BIGINT) * 1000) AS TIMESTAMPTZ)',
  // try_to_timestamp with the one pattern the jobs use (Cassandra's rendering of a timestamp: minutes and an offset,
  // "Z" for UTC); NULL for anything else, as Spark's try_ gives on a value the pattern does not parse
  `CREATE OR REPLACE MACRO try_to_timestamp(x, fmt) AS CASE WHEN fmt = 'yyyy-MM-dd HH:mmXX' THEN CAST(try_strptime(regexp_replace(x, 'Z$', '+0000'), '%Y-%m-%d %H:%M%z') AS TIMESTAMPTZ) END`,
];
