/** A password never reaches a diagnostic, even in a URL Node cannot parse (a `/` in the password). */
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../generator/import/pg-catalog.js';
import { cli } from './helpers/cli.js';
import { ROOT } from './helpers/reference.js';

describe('the source URL in messages', () => {
  it('loses its password, parseable or not', () => {
    expect(redactUrl('postgresql://reader:s3cret@db.internal:5432/app?sslmode=require')).toBe('postgresql://reader@db.internal:5432/app');
    for (const url of ['postgresql://reader:pa/ss@db.internal/app', 'postgresql://reader:p@ss/w@rd@db.internal/app']) {
      const shown = redactUrl(url);
      for (const secret of ['pa/ss', 'p@ss', 'w@rd']) expect(shown).not.toContain(secret);
    }
  });

  it('import reports an unparseable URL without its password (exit 2)', async () => {
    const r = await cli(['import', 'postgresql://reader:pa/ss@db.internal/app'], ROOT);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('IMPORT_SOURCE');
    expect(r.stderr).not.toContain('pa/ss');
  });
});
