#!/usr/bin/env node
import module from 'node:module';
import { loadCli } from './bundle.js';

// V8's compile cache on disk (Node 22.1+; absent on Node 20): a later start compiles none of the modules this
// one compiled. NODE_COMPILE_CACHE names the folder (default: the temporary folder), NODE_DISABLE_COMPILE_CACHE=1
// turns it off. A cache that cannot be written only costs speed.
try {
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
} catch {
  /* no cache: slower, not wrong */
}
await (await loadCli()).runProcess(process.argv.slice(2));
