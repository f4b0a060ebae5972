/** `contractgen schema`: the JSON Schema of the contract format, for editors. */
import { defineCommand } from '../command.js';

export const schema = defineCommand({
  name: 'schema',
  summary: 'Print the JSON Schema of a contract, with the contractgen.* extensions typed, for editors.',
  description: `Prints, on stdout, the JSON Schema (draft 2019-09) of a data contract as contractgen reads it: the ODCS
schema lint validates with, and every contractgen.* custom property typed on the objects it belongs to (its
name, its value, at most once). yaml-language-server and VS Code's YAML extension use it for completion, hover
and errors as you type: point a contract's first line at the file (# yaml-language-server: $schema=PATH) or map
it in yaml.schemas. Cross-contract rules (relationships, collisions) and semantic rules stay lint's.`,
  flags: {},
  examples: [
    ['contractgen schema > contract.schema.json', 'write the schema where the editor finds it'],
    ['contractgen schema | jq .title', 'the schema is plain JSON'],
  ],
  async run(_args, io) {
    const { contractSchemaText } = await import('../../validate/editor-schema.js');
    io.stdout(contractSchemaText());
    return 0;
  },
});
