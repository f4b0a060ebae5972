/** Runs the CLI in-process with captured streams, or the built bin as a child process. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../generator/cli/main.js';
import { ROOT } from './reference.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], cwd: string, env: Record<string, string | undefined> = { NO_COLOR: '1' }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd, env, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false });
  return { code, stdout, stderr };
}

/** The built bin, as users run it (needs `npm run build`, which `npm test` does first). */
export function bin(args: string[], cwd: string, env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'contractgen.js'), ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
