/**
 * The JSON Schema of a contract as contractgen reads it, for editors (yaml-language-server, VS Code's YAML
 * extension): contractgen's own ODCS schema (schemas/odcs.ts, the one `lint` validates with) with every
 * `contractgen.*` custom property typed where it belongs, from the extension declarations (model/extensions.ts):
 * its name offered on the objects of its scope, its value held to the declaration's schema, and set at most once.
 * A `contractgen.*` name that is unknown or out of place, a badly typed value and a repeated one are the EXT_*
 * errors lint reports; custom properties of other namespaces are left alone, as lint leaves them.
 * `contractgen schema` prints it; docs/reference/contract.schema.json is a generated copy (npm run docs:reference).
 */
import { EXT_PREFIX, EXTENSIONS, type ExtScope, type JsonSchema } from '../model/extensions.js';
import { odcs32Schema, odcsSchema } from './schemas/odcs.js';

type Obj = Record<string, unknown>;

const SCOPES: readonly ExtScope[] = ['contract', 'server', 'schema', 'property'];

const defName = (scope: ExtScope) => `ContractgenCustomProperties_${scope}`;
const ref = (name: string) => ({ $ref: `#/$defs/${name}` });
const PREFIX_PATTERN = `^${EXT_PREFIX.replace(/\./g, '\\.')}`;

/** `allOf`, which must not be empty, when there is something in it. */
const allOf = (schemas: readonly JsonSchema[]): { allOf?: readonly JsonSchema[] } => (schemas.length ? { allOf: schemas } : {});

/** The custom properties of an object of `scope`: any other namespace, or a contractgen extension of this scope. */
function scopedCustomProperties(scope: ExtScope): JsonSchema {
  const exts = EXTENSIONS.filter((e) => e.scope === scope);
  const otherNamespace = { type: 'string', not: { pattern: PREFIX_PATTERN } };
  return {
    type: 'array',
    items: {
      $ref: '#/$defs/CustomProperty',
      properties: {
        property: exts.length
          ? { anyOf: [...exts.map((e) => ({ const: e.name, description: `${e.doc} Type: ${e.type}. Example: ${e.example}` })), otherNamespace] }
          : { ...otherNamespace, description: 'No contractgen extension belongs on this object.' },
      },
      ...allOf(exts.map((e) => ({ if: { properties: { property: { const: e.name } }, required: ['property'] }, then: { properties: { value: e.schema } } }))),
    },
    // each extension at most once on one object (EXT_DUPLICATE)
    ...allOf(exts.map((e) => ({ contains: { properties: { property: { const: e.name } }, required: ['property'] }, minContains: 0, maxContains: 1 }))),
  };
}

function def(defs: Obj, name: string): Obj & { properties: Obj } {
  const d = defs[name];
  if (typeof d !== 'object' || d === null || typeof (d as Obj).properties !== 'object') throw new Error(`internal error: the ODCS schema has no $defs.${name}.properties to type the extensions on`);
  return d as Obj & { properties: Obj };
}

/** One ODCS schema (v3.1.0 or v3.2.0) with the extensions typed on its objects. */
function withExtensions(odcs: JsonSchema): Obj & { properties: Obj; $defs: Obj } {
  const base = structuredClone(odcs) as Obj & { properties: Obj; $defs: Obj };
  const defs = base.$defs;
  for (const scope of SCOPES) defs[defName(scope)] = scopedCustomProperties(scope);
  // beside the base schema's CustomProperties (which still apply): both hold, so the scoped one narrows it
  base.properties.customProperties = ref(defName('contract'));
  def(defs, 'Server').properties.customProperties = ref(defName('server'));
  def(defs, 'SchemaObject').properties.customProperties = ref(defName('schema'));
  def(defs, 'SchemaBaseProperty').properties.customProperties = ref(defName('property'));
  return base;
}

/** A copy of `v` with every `#/$defs/<name>` reference renamed by `rename`. */
function renameRefs(v: unknown, rename: (name: string) => string): unknown {
  if (Array.isArray(v)) return v.map((x) => renameRefs(x, rename));
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/') ? `#/$defs/${rename(x.slice('#/$defs/'.length))}` : renameRefs(x, rename)]));
}

/** The $defs of the v3.2.0 schema, beside the v3.1.0 ones in the same document. */
const V32 = (name: string) => `v3.2.0_${name}`;

/**
 * The editors' schema, built from the ODCS schemas and the extension declarations: a contract whose apiVersion is
 * v3.2.0 is held to contractgen's v3.2.0 schema, any other to the v3.1.0 one, as lint does (schema-check.ts).
 */
export function contractSchema(): JsonSchema {
  const v31 = withExtensions(odcsSchema);
  const v32 = renameRefs(withExtensions(odcs32Schema), V32) as Obj & { $defs: Obj };
  const { $schema, $id: _id, $defs, ...rest } = v31;
  const { $schema: _s, $id: _id32, $defs: defs32, ...rest32 } = v32;
  void _id;
  void _s;
  void _id32;
  return {
    $schema,
    $id: 'https://contractgen.dev/schemas/contract.json',
    title: 'contractgen data contract (ODCS v3.0.x, v3.1.0, v3.2.0, with the contractgen.* extensions)',
    description:
      'A data contract as `contractgen lint` reads it: the ODCS schema contractgen validates with (its v3.2.0 schema when apiVersion is v3.2.0), and every contractgen.* custom property typed on the objects it belongs to. Generated by `contractgen schema`.',
    if: { properties: { apiVersion: { const: 'v3.2.0' } }, required: ['apiVersion'] },
    then: rest32,
    else: rest,
    $defs: { ...$defs, ...Object.fromEntries(Object.entries(defs32 as Obj).map(([k, x]) => [V32(k), x])) },
  };
}

/** The schema as `contractgen schema` prints it. */
export function contractSchemaText(): string {
  return `${JSON.stringify(contractSchema(), null, 2)}\n`;
}
