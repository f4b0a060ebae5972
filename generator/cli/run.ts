/** Wires main() to the real process. Shared by both bins. */
import { main } from './main.js';

export async function runProcess(argv: readonly string[]): Promise<void> {
  const code = await main(argv, {
    cwd: process.cwd(),
    env: process.env,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stderr.isTTY),
  });
  process.exitCode = code;
}
