/**
 * `parquet` target: the trusted layer's Parquet schema per dataset, as Parquet's schema text notation
 * (`message … { required binary x (STRING); }`) and as JSON: the Thrift `SchemaElement` list that Parquet
 * footers hold and writers take (hyparquet-writer, parquet-wasm …). Repetition follows nullability; logical
 * annotations come from the type table. Lake partition columns are not in the files: they live in the
 * directory names (`requested_date=2024-03-01/`), as Spark writes them.
 */
import type { Field, LogicalType } from '../model/ir.js';
import { lakeName } from '../model/naming.js';
import { mapType, type ParquetType } from '../model/types.js';
import type { OutputFile, Target } from './target.js';

export interface SchemaElement {
  name: string;
  type?: 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY' | 'FIXED_LEN_BYTE_ARRAY';
  type_length?: number;
  repetition_type?: 'REQUIRED' | 'OPTIONAL' | 'REPEATED';
  num_children?: number;
  converted_type?: string;
  scale?: number;
  precision?: number;
  logical_type?: Record<string, unknown>;
}

function annotate(logical: string | undefined): Pick<SchemaElement, 'logical_type' | 'converted_type' | 'precision' | 'scale'> {
  if (!logical) return {};
  let m: RegExpExecArray | null;
  if (logical === 'STRING') return { logical_type: { type: 'STRING' }, converted_type: 'UTF8' };
  if (logical === 'DATE') return { logical_type: { type: 'DATE' }, converted_type: 'DATE' };
  if (logical === 'JSON') return { logical_type: { type: 'JSON' }, converted_type: 'JSON' };
  if ((m = /^DECIMAL\((\d+),(\d+)\)$/.exec(logical))) {
    const precision = Number(m[1]);
    const scale = Number(m[2]);
    return { logical_type: { type: 'DECIMAL', precision, scale }, converted_type: 'DECIMAL', precision, scale };
  }
  if ((m = /^TIMESTAMP\((MILLIS|MICROS|NANOS),(true|false)\)$/.exec(logical))) {
    const utc = m[2] === 'true';
    return { logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: utc, unit: m[1] }, ...(utc && m[1] !== 'NANOS' ? { converted_type: `TIMESTAMP_${m[1]}` } : {}) };
  }
  if ((m = /^INTEGER\((\d+),(true|false)\)$/.exec(logical))) {
    const bits = Number(m[1]);
    const signed = m[2] === 'true';
    return { logical_type: { type: 'INTEGER', bitWidth: bits, isSigned: signed }, converted_type: `${signed ? 'INT' : 'UINT'}_${bits}` };
  }
  throw new Error(`no Parquet annotation for ${logical}`);
}

/** The SchemaElements of one column (a LIST or struct spans several, depth-first, as in a footer). */
export function columnElements(name: string, t: LogicalType, required: boolean): SchemaElement[] {
  const p: ParquetType = mapType(t).parquet;
  const repetition = required ? 'REQUIRED' : 'OPTIONAL';
  if (t.kind === 'array') {
    // the three-level LIST structure: <list> (LIST) { repeated group list { <element> } }
    return [
      { name, repetition_type: repetition, num_children: 1, logical_type: { type: 'LIST' }, converted_type: 'LIST' },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      ...columnElements('element', t.items.type, t.items.required),
    ];
  }
  if (t.kind === 'map') {
    // the MAP structure: <map> (MAP) { repeated group key_value { required <key>; <value> } }
    return [
      { name, repetition_type: repetition, num_children: 1, logical_type: { type: 'MAP' }, converted_type: 'MAP' },
      { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
      ...columnElements('key', t.key.type, true),
      ...columnElements('value', t.value.type, t.value.required),
    ];
  }
  if (t.kind === 'object' && p.physical === 'GROUP') {
    return [{ name, repetition_type: repetition, num_children: t.fields.length }, ...t.fields.flatMap((f) => columnElements(f.physicalName, f.type, f.required))];
  }
  const physical = p.physical === 'BINARY' ? 'BYTE_ARRAY' : (p.physical as SchemaElement['type']);
  return [{ name, type: physical, ...(p.length ? { type_length: p.length } : {}), repetition_type: repetition, ...annotate(p.logical) }];
}

/** Columns of the data files: the contract's fields without the lake partition columns, in contract order. */
export function fileFields(ds: { fields: Field[]; partitionedBy: string[] }): Field[] {
  return ds.fields.filter((f) => !ds.partitionedBy.includes(f.name));
}

export function schemaElements(name: string, fields: readonly Field[]): SchemaElement[] {
  return [{ name, num_children: fields.length }, ...fields.flatMap((f) => columnElements(f.physicalName, f.type, f.required))];
}

function annotationText(e: SchemaElement): string {
  const l = e.logical_type;
  if (!l) return '';
  switch (l.type) {
    case 'DECIMAL':
      return ` (DECIMAL(${String(l.precision)},${String(l.scale)}))`;
    case 'TIMESTAMP':
      return ` (TIMESTAMP(${String(l.unit)},${String(l.isAdjustedToUTC)}))`;
    case 'INTEGER':
      return ` (INTEGER(${String(l.bitWidth)},${String(l.isSigned)}))`;
    default:
      return ` (${String(l.type)})`;
  }
}

/** Parquet's schema text notation (parquet-mr MessageTypeParser), from the element list. */
export function schemaText(elements: readonly SchemaElement[]): string {
  let i = 0;
  const lines: string[] = [];
  const node = (depth: number) => {
    const e = elements[i++]!;
    const pad = '  '.repeat(depth);
    const rep = e.repetition_type!.toLowerCase();
    if (e.num_children !== undefined) {
      lines.push(`${pad}${rep} group ${e.name}${annotationText(e)} {`);
      for (let c = 0; c < e.num_children; c++) node(depth + 1);
      lines.push(`${pad}}`);
    } else {
      const type = e.type === 'BYTE_ARRAY' ? 'binary' : e.type === 'FIXED_LEN_BYTE_ARRAY' ? `fixed_len_byte_array(${e.type_length})` : e.type!.toLowerCase();
      lines.push(`${pad}${rep} ${type} ${e.name}${annotationText(e)};`);
    }
  };
  const root = elements[i++]!;
  lines.push(`message ${root.name} {`);
  for (let c = 0; c < (root.num_children ?? 0); c++) node(1);
  lines.push('}');
  return lines.join('\n') + '\n';
}

export const parquetTarget: Target = {
  id: 'parquet',
  description: 'Trusted-layer Parquet schemas: schema text notation and Thrift SchemaElement JSON, with logical annotations',
  run(model) {
    const files: OutputFile[] = [];
    for (const ds of model.datasets) {
      const name = lakeName(ds);
      const elements = schemaElements(name, fileFields(ds));
      const sources = [ds.contract.file];
      files.push({ path: `${name}.parquet.txt`, content: schemaText(elements), kind: 'plain', sources });
      files.push({
        path: `${name}.parquet.json`,
        content: JSON.stringify({ dataset: ds.name, partitionedBy: ds.partitionedBy.map((n) => ds.fields.find((f) => f.name === n)!.physicalName), schema: elements }, null, 2) + '\n',
        kind: 'json',
        sources,
      });
    }
    return { files, diagnostics: [] };
  },
};
