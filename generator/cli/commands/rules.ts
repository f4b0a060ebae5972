/** `contractgen rules`: every diagnostic rule ID. */
import { defineCommand } from '../command.js';

export const rules = defineCommand({
  name: 'rules',
  summary: 'List every diagnostic rule ID with its severity.',
  description: 'One line per rule lint and generate report: its stable ID, its severity and what it catches. The breaking-change rules are listed by contractgen breaking --list-rules.',
  flags: {},
  examples: [['contractgen rules', 'list them']],
  async run(_args, io) {
    const { RULE_LIST } = await import('../../diagnostics/rules.js');
    const w = Math.max(...RULE_LIST.map((r) => r.id.length));
    io.stdout(RULE_LIST.map((r) => `${r.id.padEnd(w)}  ${r.severity.padEnd(7)}  ${r.summary}\n`).join(''));
    return 0;
  },
});
