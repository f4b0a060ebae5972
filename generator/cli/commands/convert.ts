/** `contractgen convert`: a DCS contract in its ODCS v3.1.0 form. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { diagnostic, hasErrors, UsageError } from '../../diagnostics/diagnostic.js';
import { displayPath, MAX_CONTRACT_BYTES, readLimited } from '../../load/files.js';
import { defineCommand } from '../command.js';
import { formatFlag, report, verboseFlag } from '../common.js';

export const convert = defineCommand({
  name: 'convert',
  summary: 'Print a Data Contract Specification (DCS 1.x) contract in its ODCS v3.1.0 form.',
  description: `Reads one contract, validates it, and prints it as ODCS v3.1.0 YAML on stdout (an ODCS contract is
printed as it is). Problems are reported as lint reports them, and nothing is printed then.`,
  positionals: { name: 'FILE', help: 'the contract to convert', min: 1, max: 1 },
  flags: { format: formatFlag, verbose: verboseFlag },
  examples: [['contractgen convert drivers.dcs.yaml > drivers.odcs.yaml', 'convert a DCS contract and keep the ODCS form']],
  async run({ flags, positionals: [file] }, io) {
    const abs = resolve(io.cwd, file!);
    let read: { text?: string; tooLarge?: number };
    try {
      // a FIFO or a device would block the read, or never end
      if (!statSync(abs).isFile()) throw new UsageError(`not a file: ${file}`);
      read = readLimited(abs);
    } catch (e) {
      throw e instanceof UsageError ? e : new UsageError(`cannot read ${file}`);
    }
    if (read.text === undefined) {
      report(io, [diagnostic('INPUT_TOO_LARGE', { file: displayPath(io.cwd, abs), line: 1, col: 1 }, `contract is ${read.tooLarge} bytes; the limit is ${MAX_CONTRACT_BYTES}`)], flags);
      return 1;
    }
    const text = read.text;
    const { loadContract } = await import('../../analyze.js');
    const r = loadContract(displayPath(io.cwd, abs), text);
    report(io, r.diagnostics, flags);
    if (hasErrors(r.diagnostics) || !r.odcs) return 1;
    const { stringify } = await import('yaml');
    io.stdout(stringify(r.odcs, { lineWidth: 0, version: '1.2' }));
    return 0;
  },
});
