#!/usr/bin/env node
// `npx generate [flags]` is `contractgen generate [flags]`.
import { runProcess } from './run.js';

await runProcess(['generate', ...process.argv.slice(2)]);
