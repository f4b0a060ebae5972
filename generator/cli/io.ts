/** The CLI's view of the process: injected, so tests run every command in-process with captured streams. */
export interface Io {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

/** Colour only on a terminal, never with NO_COLOR set. */
export function useColor(io: Io): boolean {
  return io.isTTY && !('NO_COLOR' in io.env);
}
