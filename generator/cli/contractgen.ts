#!/usr/bin/env node
import { runProcess } from './run.js';

await runProcess(process.argv.slice(2));
