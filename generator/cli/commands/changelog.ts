/** `contractgen changelog`: the `breaking` comparison as a Markdown changelog. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../diagnostics/diagnostic.js';
import { defineCommand } from '../command.js';
import { againstFlag, compareFlags, compareFromFlags } from '../compare.js';

export const changelog = defineCommand({
  name: 'changelog',
  summary: 'The same comparison as a Markdown changelog on stdout (or --out FILE).',
  description: `Compares the contracts with an older version as contractgen breaking does, and writes the changes as
Markdown: one section per dataset with its versions, breaking changes first. Always exits 0 once written.`,
  flags: { ...compareFlags, against: { ...againstFlag, required: true }, out: { type: 'string', value: 'FILE', shownDefault: 'stdout', help: 'write the Markdown there' } },
  examples: [
    ['contractgen changelog --against v1.4.0', 'print what changed since the v1.4.0 tag'],
    ['contractgen changelog --against v1.4.0 --out CHANGES.md', 'write it to a file'],
  ],
  async run({ flags }, io) {
    const c = await compareFromFlags('changelog', io, flags);
    if (typeof c === 'number') return c;
    const { changelog: markdown } = await import('../../breaking/format.js');
    const text = markdown(c.changes, c.against, c.versions);
    if (flags.out === undefined) {
      io.stdout(text);
      return 0;
    }
    try {
      writeFileSync(resolve(io.cwd, flags.out), text);
    } catch (e) {
      throw new UsageError(`--out ${flags.out}: cannot write it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return 0;
  },
});
