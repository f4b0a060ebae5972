// The resolve hook of record-modules.mjs: reports every resolved module URL through the port it is given.
/** @type {import('node:worker_threads').MessagePort | undefined} */
let port;
/** @param {{ port: import('node:worker_threads').MessagePort }} data */
export function initialize(data) {
  port = data.port;
}
/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  port?.postMessage(r.url);
  return r;
}
