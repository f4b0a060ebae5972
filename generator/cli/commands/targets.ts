/** `contractgen targets`: the targets and what each generates. */
import { defineCommand } from '../command.js';

export const targets = defineCommand({
  name: 'targets',
  summary: 'List the targets and what each generates.',
  description: 'One line per target: its ID (for generate --target) and what it generates under generated/<id>/.',
  flags: {},
  examples: [['contractgen targets', 'list them']],
  async run(_args, io) {
    const { TARGETS } = await import('../../targets/registry.js');
    const w = Math.max(...TARGETS.map((t) => t.id.length));
    io.stdout(TARGETS.map((t) => `${t.id.padEnd(w)}  ${t.description}\n`).join(''));
    return 0;
  },
});
