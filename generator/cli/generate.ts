#!/usr/bin/env node
// `npx generate [flags]` is `contractgen generate [flags]`.
import module from 'node:module';
import { loadCli } from './bundle.js';

// V8's compile cache on disk (Node 22.1+), as in contractgen.ts.
try {
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
} catch {
  /* no cache: slower, not wrong */
}
await (await loadCli()).runProcess(['generate', ...process.argv.slice(2)]);
