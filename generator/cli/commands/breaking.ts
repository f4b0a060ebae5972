/** `contractgen breaking`: what changed against older contracts, and what of it breaks consumers. */
import { defineCommand } from '../command.js';
import { useColor } from '../io.js';
import { compareFlags, compareFromFlags } from '../compare.js';

export const breaking = defineCommand({
  name: 'breaking',
  summary: 'Compare the contracts with an older version and report changes that break consumers; exits 1 on errors.',
  description: `Compares the contracts with an older version (a git revision, read without a checkout, or a directory
or file) by natural keys and reports every change with a stable rule ID, a category and a severity, at its new
location with the old one after it. A breaking change needs a major version bump. Avro compatibility is checked
per Schema Registry subject under its compatibility level; repeat --against with older versions, newest first,
for the *_TRANSITIVE levels. --list-rules lists the rules.`,
  flags: { ...compareFlags, 'list-rules': { type: 'boolean', help: 'list the breaking-change rules and exit' } },
  examples: [
    ['contractgen breaking --against main', 'compare with the contracts on main'],
    ['contractgen breaking --against origin/main --format github', 'in a pull request: annotate the breaking changes'],
    ['contractgen breaking --against v2.0.0 --against v1.0.0', 'check the *_TRANSITIVE levels against both'],
  ],
  async run({ flags }, io) {
    if (flags['list-rules']) {
      const { BREAKING_RULE_LIST } = await import('../../diagnostics/breaking-rules.js');
      const w = Math.max(...BREAKING_RULE_LIST.map((r) => r.id.length));
      io.stdout(BREAKING_RULE_LIST.map((r) => `${r.id.padEnd(w)}  ${r.category.padEnd(15)}  ${r.severity.padEnd(7)}  ${r.summary}\n`).join(''));
      return 0;
    }
    const c = await compareFromFlags('breaking', io, flags);
    if (typeof c === 'number') return c;
    const { formatChanges } = await import('../../breaking/format.js');
    const text = formatChanges(c.changes, flags.format, { color: useColor(io) && flags.format === 'text', verbose: flags.verbose });
    if (flags.format === 'json') io.stdout(text);
    else if (text) io.stderr(text);
    const errors = c.changes.filter((x) => x.severity === 'error').length;
    const others = c.changes.length - errors;
    if (flags.format === 'text') io.stderr(`contractgen: ${errors} breaking change${errors === 1 ? '' : 's'}, ${others} other change${others === 1 ? '' : 's'} against ${c.against}\n`);
    return errors ? 1 : 0;
  },
});
