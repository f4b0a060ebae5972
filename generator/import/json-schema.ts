/**
 * JSON Schema files (draft-07, 2019-09, 2020-12) → the import description: one table per schema of an object,
 * named by its `title` or the file name. A Debezium change-event schema (properties after/source/op) is
 * unwrapped to the row, and the Cassandra connector's cell wrapper `{value, deletion_ts, set}` (the shape the
 * avro target writes for Cassandra topics) to the value; `source.keyspace`/`source.table` consts name the table.
 * Types: string (formats uuid, date, date-time, time, email, uri, ipv4; base64 content → bytes), integer (the
 * int16/int32 bounds pick the width), number, boolean, array, object (with properties → a nested object,
 * without → JSON), enum/const → a value set, with minLength/maxLength/pattern/minimum/maximum as constraints.
 * Local `$ref`s (`#/$defs/…`, `#/definitions/…`) are followed.
 */
import { basename } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { PathSeg } from '../load/yaml.js';
import type { Constraints, SourceRef } from '../model/ir.js';
import { diag, loadJsonDoc, type ColumnDesc, type ColumnType, type ServerKind, type SourceDescription, type TableDesc } from './describe.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const INT16 = [-32768, 32767];
const INT32 = [-2147483648, 2147483647];
const DECIMAL_TEXT = '^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$';

export function readJsonSchema(label: string, inputs: ReadonlyArray<{ file: string; text: string }>): SourceDescription {
  const diagnostics: Diagnostic[] = [];
  const found: Array<{ table: TableDesc; title?: string }> = [];
  const keys: Array<{ id: string; columns: string[] }> = [];
  let kind: ServerKind | undefined;
  for (const { file, text } of inputs) {
    const doc = loadJsonDoc(file, text, diagnostics);
    if (!doc) continue;
    const root = doc.data;
    const at = (path: readonly PathSeg[]): SourceRef => ({ file, ...doc.pos(path) });
    if (!isObj(root)) {
      diagnostics.push(diag(at([]), 'IMPORT_SYNTAX', 'not a JSON Schema object'));
      continue;
    }
    /** Follows local $refs; returns the schema and its path. */
    const deref = (s: unknown, path: PathSeg[], depth = 0): { s: unknown; path: PathSeg[] } => {
      if (depth > 32 || !isObj(s) || typeof s.$ref !== 'string' || !s.$ref.startsWith('#/')) return { s, path };
      const segs = s.$ref.slice(2).split('/').map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
      let cur: unknown = root;
      for (const seg of segs) cur = isObj(cur) ? cur[seg] : undefined;
      if (cur === undefined) {
        diagnostics.push(diag(at(path), 'IMPORT_SYNTAX', `$ref ${s.$ref} does not resolve`));
        return { s: {}, path };
      }
      return deref(cur, segs, depth + 1);
    };
    /** `anyOf: [X, {type: null}]` and `type: [t, "null"]` → X and nullable. */
    const unnull = (s0: unknown, path: PathSeg[]): { s: Obj; path: PathSeg[]; nullable: boolean } => {
      const { s, path: p } = deref(s0, path);
      if (!isObj(s)) return { s: {}, path: p, nullable: true };
      for (const key of ['anyOf', 'oneOf'] as const) {
        const alts = s[key];
        if (Array.isArray(alts)) {
          const nonNull = alts.map((a, i) => ({ a, i })).filter(({ a }) => !(isObj(a) && a.type === 'null'));
          if (nonNull.length === 1 && nonNull.length !== alts.length) {
            const inner = unnull(nonNull[0]!.a, [...p, key, nonNull[0]!.i]);
            return { ...inner, nullable: true };
          }
        }
      }
      if (Array.isArray(s.type)) {
        const ts = s.type.filter((t) => t !== 'null');
        if (ts.length === 1 && ts.length !== s.type.length) return { s: { ...s, type: ts[0] }, path: p, nullable: true };
      }
      return { s, path: p, nullable: false };
    };
    const column = (name: string, schema: unknown, path: PathSeg[], required: boolean, depth: number): ColumnDesc => {
      let u = unnull(schema, path);
      let description = typeof u.s.description === 'string' ? u.s.description : undefined;
      // the Debezium Cassandra cell: {value, deletion_ts, set}
      const props = isObj(u.s.properties) ? u.s.properties : undefined;
      if (props && 'value' in props && 'deletion_ts' in props && 'set' in props) {
        const outerNullable = u.nullable;
        u = unnull(props.value, [...u.path, 'properties', 'value']);
        u.nullable = u.nullable || outerNullable;
      }
      description ??= typeof u.s.description === 'string' ? u.s.description : undefined;
      const constraints: Constraints = {};
      let type: ColumnType = { kind: 'string' };
      let physical: string | undefined;
      const s = u.s;
      const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
      const values = Array.isArray(s.enum) ? s.enum : s.const !== undefined ? [s.const] : undefined;
      switch (s.type) {
        case 'string': {
          const f = typeof s.format === 'string' ? s.format : undefined;
          if (f === 'uuid') type = { kind: 'uuid' };
          else if (f === 'date') type = { kind: 'date' };
          else if (f === 'date-time') type = { kind: 'timestamp' };
          else if (f === 'time') type = { kind: 'time' };
          else if (s.contentEncoding === 'base64') {
            type = { kind: 'bytes' };
            physical = 'bytes';
          } else if (s.pattern === DECIMAL_TEXT) {
            type = { kind: 'decimal' };
            physical = 'decimal';
          } else {
            if (f === 'email' || f === 'uri' || f === 'ipv4') constraints.format = f;
            if (typeof s.pattern === 'string') constraints.pattern = s.pattern;
            if (num('minLength') !== undefined && num('minLength')! > 0) constraints.minLength = num('minLength')!;
            if (num('maxLength') !== undefined) constraints.maxLength = num('maxLength')!;
          }
          if (values?.every((v) => typeof v === 'string')) constraints.enum = values as string[];
          break;
        }
        case 'integer': {
          const lo = num('minimum');
          const hi = num('maximum');
          if (lo === INT16[0] && hi === INT16[1]) type = { kind: 'int16' };
          else if (lo === INT32[0] && hi === INT32[1]) type = { kind: 'int32' };
          else {
            type = { kind: 'int64' };
            if (lo !== undefined) constraints.minimum = lo;
            if (hi !== undefined) constraints.maximum = hi;
          }
          if (num('exclusiveMinimum') !== undefined) constraints.exclusiveMinimum = num('exclusiveMinimum')!;
          if (num('exclusiveMaximum') !== undefined) constraints.exclusiveMaximum = num('exclusiveMaximum')!;
          if (values?.every((v) => Number.isInteger(v))) constraints.enum = (values as number[]).map(String);
          break;
        }
        case 'number':
          type = { kind: 'float64' };
          for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) if (num(k) !== undefined) constraints[k] = num(k)!;
          break;
        case 'boolean':
          type = { kind: 'boolean' };
          break;
        case 'array': {
          const el = column('items', s.items ?? {}, [...u.path, 'items'], false, depth + 1);
          type = { kind: 'array', items: el.type, ...(el.physicalType ? { itemsPhysical: el.physicalType } : {}) };
          break;
        }
        case 'object': {
          const ps = isObj(s.properties) ? s.properties : undefined;
          if (ps && Object.keys(ps).length && depth < 16) {
            const req = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
            type = { kind: 'object', fields: Object.entries(ps).map(([k, v]) => column(k, v, [...u.path, 'properties', k], req.has(k), depth + 1)) };
          } else {
            type = { kind: 'json' };
            physical = 'json';
          }
          break;
        }
        default:
          if (values?.every((v) => typeof v === 'string')) constraints.enum = values as string[];
          else diagnostics.push(diag(at(u.path), 'IMPORT_TYPE_UNMAPPED', `${name}: a schema without a single type has no contractgen mapping; it is kept as a string`));
      }
      return {
        name,
        ...(physical ? { physicalType: physical } : {}),
        type,
        nullable: u.nullable || !required,
        constraints,
        ...(description && description.trim() ? { comment: description } : {}),
        at: at(path),
      };
    };
    const props = isObj(root.properties) ? root.properties : undefined;
    if (root.type !== 'object' || !props) {
      diagnostics.push(diag(at([]), 'IMPORT_SYNTAX', 'the schema does not describe an object with properties'));
      continue;
    }
    let rowSchema: Obj = root;
    let rowPath: PathSeg[] = [];
    let namespace: string | undefined;
    let name = typeof root.title === 'string' ? root.title : basename(file).replace(/(\.schema)?\.json$/, '');
    const isEnvelope = 'after' in props && 'source' in props && 'op' in props;
    if (isEnvelope) {
      const after = unnull(props.after, ['properties', 'after']);
      rowSchema = after.s;
      rowPath = after.path;
      const src = unnull(props.source, ['properties', 'source']).s;
      const sp = isObj(src.properties) ? src.properties : {};
      const constOf = (k: string) => (isObj(sp[k]) && typeof (sp[k] as Obj).const === 'string' ? ((sp[k] as Obj).const as string) : undefined);
      if (constOf('keyspace')) {
        kind = 'cassandra';
        namespace = constOf('keyspace');
      } else if (constOf('schema')) {
        kind = 'postgres';
        namespace = constOf('schema');
      } else if (constOf('db')) namespace = constOf('db');
      name = constOf('table') ?? name.replace(/ change event.*$/, '').split('.').pop() ?? name;
    } else if (/ key$/.test(name)) {
      keys.push({ id: name.replace(/ key$/, ''), columns: Object.keys(props) });
      continue;
    }
    const rp = isObj(rowSchema.properties) ? rowSchema.properties : {};
    const req = new Set(Array.isArray(rowSchema.required) ? rowSchema.required.map(String) : []);
    // the Cassandra connector's range-tombstone markers are not columns
    const columns = Object.entries(rp)
      .filter(([k]) => !(isEnvelope && /^[._]range_(start|end)$/.test(k)))
      .map(([k, v]) => column(k, v, [...rowPath, 'properties', k], req.has(k) || (isEnvelope && kind !== 'cassandra'), 0));
    found.push({
      table: {
        name: name.split('.').pop()!.replace(/[^A-Za-z0-9_]/g, '_'),
        ...(namespace ? { namespace } : {}),
        ...(typeof root.description === 'string' && !isEnvelope ? { comment: root.description } : {}),
        columns,
        primaryKey: [],
        uniques: [],
        foreignKeys: [],
        checks: [],
        options: {},
        at: at([]),
      },
      ...(typeof root.title === 'string' ? { title: root.title.replace(/ change event.*$/, '') } : {}),
    });
  }
  // key schemas (`<topic> key`, as the avro target names them) give the primary key
  for (const { table: t, title } of found) {
    const key = keys.find((k) => title !== undefined && title.startsWith(k.id));
    if (key) {
      t.primaryKey = key.columns;
      for (const c of t.columns) if (key.columns.includes(c.name)) c.nullable = false;
    }
  }
  return { format: 'jsonschema', label, ...(kind ? { server: { kind } } : {}), tables: found.map((f) => f.table), diagnostics };
}
