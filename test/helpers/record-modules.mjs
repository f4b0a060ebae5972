// Preloaded with `node --import`: records every module the process loads (ESM through a resolve hook, CJS
// through require.cache) and writes the list to $RECORD_MODULES_TO at exit.
import { register, createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';

/** @type {Set<string>} */
const seen = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => seen.add(url));
port1.unref();
register(new URL('./record-modules-hooks.mjs', import.meta.url), { data: { port: port2 }, transferList: [port2] });
const require = createRequire(import.meta.url);
process.on('exit', () => {
  // the hooks post each resolution before the module loads, so every one is queued by now: take those not yet delivered
  for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) seen.add(m.message);
  for (const k of Object.keys(require.cache)) seen.add(k);
  const to = process.env.RECORD_MODULES_TO;
  if (!to) throw new Error('record-modules.mjs needs RECORD_MODULES_TO');
  writeFileSync(to, [...seen].sort().join('\n'));
});
