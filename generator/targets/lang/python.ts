/** Literals for generated Python (the Spark jobs, the Airflow DAGs) and the Spark SQL inside them. */

/** A Spark SQL string literal (model/names.ts: the type table writes them too). */
export { sparkString } from '../../model/names.js';

/** C0 controls and DEL: never raw in generated code (CPython refuses NUL in source; editors mangle the rest). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const hex4 = (c: string) => c.charCodeAt(0).toString(16).padStart(4, '0');

/** Python: a double-quoted literal (JSON string syntax is valid Python), and text for a """ block. */
export const pyString = (s: string) => JSON.stringify(s);
export const pyBlock = (s: string) => s.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"').replace(CONTROL, (c) => `\\u${hex4(c)}`);
