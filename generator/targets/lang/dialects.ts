/**
 * The SQL dialects of the relational sources: how PostgreSQL and MySQL quote, type and check a column. Dialect data
 * only (no template or target module), so `capabilities.ts` can decide what a source cannot enforce without loading
 * a target.
 */
import type { Field } from '../../model/ir.js';
import { MYSQL_MAX_IDENT, PG_MAX_IDENT, mysqlString, quoteMysql, quotePg, sqlString } from '../../model/names.js';
import { mapType } from '../../model/types.js';
import type { SqlDialect } from './sql.js';

export const pgDialect: SqlDialect = {
  name: 'postgres',
  ident: quotePg,
  string: sqlString,
  column: (f: Field) => mapType(f.type).postgres,
  regex: (col, p) => `${col} ~ ${sqlString(p)}`,
  charLength: (col) => `char_length(${col})`,
  typedLiteral: (v, f) => `${sqlString(v)}::${mapType(f.type).postgres}`,
  maxIdent: PG_MAX_IDENT,
};

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  ident: quoteMysql,
  string: mysqlString,
  column: (f: Field) => mapType(f.type).mysql,
  regex: (col, p) => `REGEXP_LIKE(${col}, ${mysqlString(p)}, 'c')`,
  charLength: (col) => `CHAR_LENGTH(${col})`,
  typedLiteral: (v, f) => `CAST(${mysqlString(v)} AS ${f.type.kind === 'date' ? 'DATE' : 'DATETIME(6)'})`,
  // The table collation, utf8mb4_0900_ai_ci, ignores case and accents ('brl' = 'BRL'), and utf8mb4_bin pads spaces
  // ('BRL ' = 'BRL'); the lake compares exactly. A binary string compares byte by byte (MySQL 8.0.16+).
  valueSetOperand: (col) => `CAST(${col} AS BINARY)`,
  maxIdent: MYSQL_MAX_IDENT,
};
