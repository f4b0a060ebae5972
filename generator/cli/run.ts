/** Wires main() to the real process. Shared by both bins. */
import { main } from './main.js';

export async function runProcess(argv: readonly string[]): Promise<void> {
  // a reader that stops early (`contractgen schema | head`) closes stdout: the output is not wanted, no crash
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  const code = await main(argv, {
    cwd: process.cwd(),
    env: process.env,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stderr.isTTY),
  });
  process.exitCode = code;
}
