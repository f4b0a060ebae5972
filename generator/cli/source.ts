/** What `import` and `drift` share: the flags that say how to read a source, and reading it (import/source.ts). */
import type { SourceDescription } from '../import/describe.js';
import { report, type Shown } from './common.js';
import type { Io } from './io.js';

export const dialectFlag = { type: 'string', value: 'DIALECT', choices: ['postgres', 'mysql'], shownDefault: 'detected', help: 'the SQL dialect of .sql files' } as const;
export const schemaFlag = { type: 'string', value: 'NAME', multiple: true, shownDefault: 'all but the system ones', help: 'only this schema of a live PostgreSQL' } as const;

/** What a source can be, for messages. */
export const SOURCE_KINDS = 'a postgresql:// URL, or a .sql, .cql, .avsc or .json file or folder';

/** The source read; when it cannot be read at all (unreachable server, bad credentials, missing file), its diagnostic is reported and the exit code (2) returned. */
export async function readSourceFromFlags(io: Io, source: string, flags: { dialect: 'postgres' | 'mysql' | undefined; schema: readonly string[] }, shown: Shown): Promise<SourceDescription | number> {
  const [{ readSource }, { SourceError }] = await Promise.all([import('../import/source.js'), import('../import/describe.js')]);
  try {
    return await readSource({ source, cwd: io.cwd, ...(flags.dialect ? { dialect: flags.dialect } : {}), ...(flags.schema.length ? { schemas: flags.schema } : {}) });
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    report(io, [e.diagnostic], { format: shown.format, verbose: false });
    return 2;
  }
}
