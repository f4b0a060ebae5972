/**
 * A real dynamic `import()`, from a CommonJS file that Node loads itself. The bundled CLI (cli/bundle.ts) runs as a
 * vm.Script, where `import()` is unavailable on Node 20, so the build turns every `import()` inside it into
 * `require()`; an ES-module-only package (dt-sql-parser's MySQL grammar) cannot be required. Code in the bundle
 * imports such a package through this file, which stays outside it (TypeScript keeps `import()` in a .cts file).
 */
export function importModule(specifier: string): Promise<unknown> {
  return import(specifier);
}
