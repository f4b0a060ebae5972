/**
 * The command line. `main(argv, io)` is the whole CLI with injected streams, so tests run it in-process;
 * the bins only wire it to process.*. Each command is a module under commands/, loaded when it runs
 * (registry.ts). Exit codes: 0 ok, 1 contract problems, drift or failed checks, 2 usage or config error,
 * 3 internal error. Messages go to stderr; generated content and diffs go to stdout.
 */
import { UsageError } from '../diagnostics/diagnostic.js';
import type { Io } from './io.js';
import { findCommand, loadCommands } from './registry.js';
import { VERSION } from './version.js';

export { VERSION } from './version.js';

/** `contractgen --help`: every command's usage and summary, from the registry. */
export async function topHelp(): Promise<string> {
  const commands = await loadCommands();
  const w = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `contractgen ${VERSION}: data contracts in, every platform artifact out.

Usage:
${commands.map((c) => `  ${c.usage()}\n`).join('')}  contractgen COMMAND --help
  contractgen --help | --version

Commands:
${commands.map((c) => `  ${c.name.padEnd(w)} ${c.summary}\n`).join('')}
Options:
  --help, -h             this help; after a command, that command's help
  --version, -v          the version

Exit codes: 0 success, 1 contract problems, drift or failed checks, 2 usage or config error, 3 internal error.
Environment: NO_COLOR disables colour; CONTRACTGEN_DEBUG=1 prints stack traces of internal errors.
`;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`contractgen: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    if (err && (err.name === 'SinkError' || (err as NodeJS.ErrnoException).code === 'EACCES' || (err as NodeJS.ErrnoException).code === 'ENOSPC' || (err as NodeJS.ErrnoException).code === 'EROFS')) {
      io.stderr(`contractgen: ${err.message}; nothing was written\n`);
      return 2;
    }
    io.stderr(`contractgen: internal error: ${err?.message ?? String(e)}\n`);
    if (io.env.CONTRACTGEN_DEBUG) io.stderr(`${err?.stack ?? ''}\n`);
    else io.stderr('(set CONTRACTGEN_DEBUG=1 for a stack trace, and please report it)\n');
    return 3;
  }
}

async function run(argv: readonly string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h') {
    io.stdout(await topHelp());
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === 'help') {
    // `contractgen help [COMMAND]`
    if (rest.length === 0) {
      io.stdout(await topHelp());
      return 0;
    }
    if (rest.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(rest[1])}; usage: contractgen help [COMMAND]`);
    return run([rest[0]!, '--help'], io);
  }
  if (cmd === '--version' || cmd === '-v') {
    if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} after ${cmd}`);
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const load = findCommand(cmd);
  if (!load) throw new UsageError(`unknown command ${JSON.stringify(cmd)}; see contractgen --help`);
  return (await load()).execute(rest, io);
}
