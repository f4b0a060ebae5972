#!/usr/bin/env node
// `npx generate [flags]` is `contractgen generate [flags]`.
import module from 'node:module';

// V8's compile cache on disk (Node 22.1+), as in contractgen.ts.
try {
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
} catch {
  /* no cache: slower, not wrong */
}
const { runProcess } = await import('./run.js');
await runProcess(['generate', ...process.argv.slice(2)]);
