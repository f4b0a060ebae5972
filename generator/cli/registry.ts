/**
 * The commands, by name, in the order `contractgen --help` lists them. Each module is loaded only when its command
 * runs (or for --help), so `contractgen lint` never loads what generate or test need.
 */
import type { Command } from './command.js';

export const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Command>]> = [
  ['generate', async () => (await import('./commands/generate.js')).generate],
  ['lint', async () => (await import('./commands/lint.js')).lint],
  ['convert', async () => (await import('./commands/convert.js')).convert],
  ['breaking', async () => (await import('./commands/breaking.js')).breaking],
  ['changelog', async () => (await import('./commands/changelog.js')).changelog],
  ['test', async () => (await import('./commands/test.js')).test],
  ['import', async () => (await import('./commands/import.js')).importCommand],
  ['drift', async () => (await import('./commands/drift.js')).drift],
  ['init', async () => (await import('./commands/init.js')).init],
  ['targets', async () => (await import('./commands/targets.js')).targets],
  ['rules', async () => (await import('./commands/rules.js')).rules],
  ['schema', async () => (await import('./commands/schema.js')).schema],
];

export function findCommand(name: string): (() => Promise<Command>) | undefined {
  return COMMANDS.find(([n]) => n === name)?.[1];
}

export async function loadCommands(): Promise<Command[]> {
  return Promise.all(COMMANDS.map(([, load]) => load()));
}
