/** `contractgen targets`: the targets and what each generates, and the consumer releases they are written for. */
import { defineCommand } from '../command.js';

export const targets = defineCommand({
  name: 'targets',
  summary: 'List the targets and what each generates, and the supported versions of their consumers.',
  description:
    'One line per target: its ID (for generate --target) and what it generates under generated/<id>/. Then the releases of each consumer the artifacts are written and checked for, and the config key that switches between them where they differ (docs/compatibility.md).',
  flags: {},
  examples: [['contractgen targets', 'list them']],
  async run(_args, io) {
    const { TARGETS } = await import('../../targets/registry.js');
    const { SUPPORTED_VERSIONS } = await import('../../config/versions.js');
    const w = Math.max(...TARGETS.map((t) => t.id.length));
    const c = Math.max(...SUPPORTED_VERSIONS.map((s) => s.consumer.length));
    const versions = SUPPORTED_VERSIONS.map((s) => `${s.consumer.padEnd(c)}  ${s.versions}${s.switch ? ` [${s.switch}]` : ''}\n`).join('');
    io.stdout(`${TARGETS.map((t) => `${t.id.padEnd(w)}  ${t.description}\n`).join('')}\nSupported versions (docs/compatibility.md):\n${versions}`);
    return 0;
  },
});
