/**
 * Identifier rules and quoting per target. Facts:
 * - PostgreSQL: keywords of category R (reserved) and T (reserved, can be function or type name) cannot be
 *   column or table names unquoted: `SELECT word FROM pg_get_keywords() WHERE catcode IN ('R','T')` on PG 15.
 *   Unquoted names fold to lower case, so anything but [a-z_][a-z0-9_$]* is quoted as well.
 * - CQL: the reserved keywords of the DataStax driver (`cassandra.metadata.cql_keywords_reserved`, a superset
 *   of Apache Cassandra's ReservedKeywords), plus the lower-case rule.
 * - MySQL: contractgen always quotes with backticks (as mysqldump does), so no reserved list is needed.
 * - Avro names: [A-Za-z_][A-Za-z0-9_]* (Avro 1.11 spec, "Names"); they cannot be quoted.
 * - Python: keyword.kwlist of CPython 3.11 plus the soft keywords.
 * - Trino and Spark SQL: below, with their sources. Nested field names (row/struct members) are quoted by the
 *   same rules as columns.
 */
export const PG_RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column ' +
    'concurrently constraint create cross current_catalog current_date current_role current_schema current_time ' +
    'current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze from ' +
    'full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit localtime ' +
    'localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references returning right ' +
    'select session_user similar some symmetric table tablesample then to trailing true union unique user using variadic ' +
    'verbose when where window with'
  ).split(' '),
);

export const CQL_RESERVED = new Set(
  (
    'active add allow alter and any application applications apply asc authentication authorize batch begin by call calls ' +
    'cluster columnfamily columns commit config create default delegation delete desc describe drop entries execute executor ' +
    'executors field from full grant if in index indices infinity insert internal into is java kerberos keyspace ldap limit ' +
    'lowercasestring materialized mbean mbeans method modify nan no node nodes norecursive not null object of on or order plan ' +
    'primary profiles rebuild redact reload remote rename renew replace restrict revoke rows schema scheme schemes search ' +
    'select set std_err std_out submission table to token truncate unlogged unrestrict unset update use using view where with ' +
    'workpool'
  ).split(' '),
);

export const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from global if ' +
    'import in is lambda nonlocal not or pass raise return try while with yield match case type _'
  ).split(' '),
);

export const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLAIN_SQL = /^[a-z_][a-z0-9_]*$/;

/** PostgreSQL identifiers are limited to 63 bytes (NAMEDATALEN - 1). */
export const PG_MAX_IDENT = 63;
/** MySQL identifiers: 64 characters. */
export const MYSQL_MAX_IDENT = 64;
/** Cassandra table and keyspace names: 48 characters, [A-Za-z0-9_]. */
export const CQL_MAX_TABLE = 48;

export function quotePg(name: string): string {
  return PLAIN_SQL.test(name) && !PG_RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function quoteCql(name: string): string {
  return PLAIN_SQL.test(name) && !CQL_RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function quoteMysql(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** Trino reserved words (docs: language/reserved), quoted when used as identifiers. */
export const TRINO_RESERVED = new Set(
  (
    'alter and as between by case cast constraint create cross cube current_catalog current_date current_path current_role current_schema ' +
    'current_time current_timestamp current_user deallocate delete describe distinct drop else end escape except execute exists extract ' +
    'false for from full grouping group having in inner insert intersect into is join json_array json_exists json_object json_query ' +
    'json_table json_value left like listagg localtime localtimestamp natural normalize not null on or order outer prepare recursive right ' +
    'rollup select skip table then trim true uescape union unnest using values when where with'
  ).split(' '),
);

/** Trino identifiers are case-insensitive: quote reserved words and anything but [a-z_][a-z0-9_]*. */
export function quoteTrino(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !TRINO_RESERVED.has(name) && name !== 'timestamp' && name !== 'offset' ? name : `"${name.replace(/"/g, '""')}"`;
}

/**
 * Spark SQL keywords that cannot stand as a bare column name (Spark's ANSI reserved keywords, and the words its
 * grammar, as dt-sql-parser implements it, will not take as identifiers).
 */
export const SPARK_RESERVED = new Set(
  (
    'all and any anti as asc authorization between both by case cast check collate column constraint create cross cube current current_date ' +
    'current_time current_timestamp current_user date default delete desc describe distinct drop else end escape except exists extract false ' +
    'fetch filter following for foreign from full grant group grouping having if in inner insert intersect interval into is join key keys ' +
    'lateral leading left like limit minus natural not null nulls of offset on only or order outer over overlaps partition preceding primary ' +
    'range references right rollup row rows select semi session_user set some start table tablesample then time timestamp to trailing true ' +
    'truncate union unique unknown update user using values when where window with'
  ).split(' '),
);

/** Spark SQL identifiers: backticks unless plain and not a keyword. */
export function sparkIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !SPARK_RESERVED.has(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

/** A Spark SQL string literal: backslash is an escape character in Spark SQL literals. */
export function sparkString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}

/** Characters no SQL/CQL text literal or comment should carry: NUL and other C0 controls except \t \n \r. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** A standard SQL string literal (PostgreSQL with standard_conforming_strings, CQL). */
export function sqlString(s: string): string {
  return `'${s.replace(CONTROL, '').replace(/'/g, "''")}'`;
}

/** A MySQL string literal: backslash is an escape character unless NO_BACKSLASH_ESCAPES is set. */
export function mysqlString(s: string): string {
  return `'${s.replace(CONTROL, '').replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * Text for HTML or XML content and attribute values (the docs pages, JUnit reports). Bidi overrides and C0
 * controls are dropped: XML 1.0 cannot carry them, and in a page they would reorder or hide what it says.
 */
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function html(s: string): string {
  return s.replace(/[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, (c) => HTML_ENTITIES[c] ?? '');
}

/**
 * Systems that reserve `name`, for NAME_RESERVED warnings: the dataset's own source system (MySQL names are
 * always quoted, so none there) and Python, whose keywords break generated code that uses names as identifiers.
 */
export function reservedIn(name: string, source: 'postgres' | 'mysql' | 'cassandra' | undefined): string[] {
  const out: string[] = [];
  const lower = name.toLowerCase();
  if (source === 'postgres' && PG_RESERVED.has(lower)) out.push('PostgreSQL');
  if (source === 'cassandra' && CQL_RESERVED.has(lower)) out.push('CQL');
  if (PYTHON_KEYWORDS.has(name)) out.push('Python');
  return out;
}
