/**
 * contractgen's own JSON Schema for datacontract.com's Data Contract Specification 1.1.0–1.2.1 (deprecated in
 * favour of ODCS, accepted as input and converted). Written from the specification's text; DCS allows
 * specification extensions, so most objects stay open. Validated with Ajv's draft-07 build, which (unlike
 * Python's Draft7Validator) applies the server-type rules the spec places beside `$ref`.
 */
type S = Record<string, unknown>;

const str = { type: 'string' };
const num = { type: 'number' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const uri = { type: 'string', format: 'uri' };
/**
 * A server location: the spec's own examples write placeholders in it (`s3://bucket/v2/{model}/*.json`, the
 * `{model}` of its quality queries), so it is an RFC 6570 URI template with a scheme rather than a URI.
 */
const location = { type: 'string', format: 'uri-template', pattern: '^[A-Za-z][A-Za-z0-9+.-]*:' };

export const DCS_FIELD_TYPES = [
  'number', 'decimal', 'numeric', 'int', 'integer', 'long', 'bigint', 'float', 'double', 'string', 'text', 'varchar',
  'boolean', 'timestamp', 'timestamp_tz', 'timestamp_ntz', 'date', 'time', 'array', 'map', 'object', 'record',
  'struct', 'bytes', 'variant', 'json', 'null',
] as const;

const FORMATS = { type: 'string', enum: ['parquet', 'delta', 'json', 'csv'] };
const DELIMITERS = { type: 'string', enum: ['new_line', 'array'] };

const SERVERS: Record<string, S> = {
  bigquery: { properties: { project: str, dataset: str }, required: ['project', 'dataset'] },
  postgres: { properties: { host: str, port: int, database: str, schema: str }, required: ['host', 'port', 'database', 'schema'] },
  s3: { properties: { location, endpointUrl: uri, format: FORMATS, delimiter: DELIMITERS }, required: ['location'] },
  sftp: { properties: { location: { ...location, pattern: '^sftp://.*' }, format: FORMATS, delimiter: DELIMITERS }, required: ['location'] },
  redshift: {
    properties: { account: str, host: str, database: str, schema: str, clusterIdentifier: str, port: int, endpoint: str },
    required: ['account', 'database', 'schema'],
  },
  azure: { properties: { location, format: FORMATS, delimiter: DELIMITERS }, required: ['location', 'format'] },
  sqlserver: { properties: { host: str, port: int, database: str, schema: str }, required: ['host', 'database', 'schema'] },
  snowflake: { properties: { account: str, database: str, schema: str }, required: ['account', 'database', 'schema'] },
  databricks: { properties: { host: str, catalog: str, schema: str }, required: ['catalog', 'schema'] },
  dataframe: {},
  glue: { properties: { account: str, database: str, location, format: str }, required: ['account', 'database'] },
  oracle: { properties: { host: str, port: int, serviceName: str }, required: ['host', 'port', 'serviceName'] },
  kafka: { properties: { host: str, topic: str, format: str }, required: ['host', 'topic'] },
  pubsub: { properties: { project: str, topic: str }, required: ['project', 'topic'] },
  kinesis: { properties: { stream: str, region: str, format: str }, required: ['stream'] },
  trino: { properties: { host: str, port: int, catalog: str, schema: str }, required: ['host', 'port', 'catalog', 'schema'] },
  clickhouse: { properties: { host: str, port: int, database: str }, required: ['host', 'port', 'database'] },
  local: { properties: { path: str, format: str }, required: ['path', 'format'] },
};

const operators = (numericOnly: boolean): S => ({
  mustBe: numericOnly ? num : {},
  mustNotBe: numericOnly ? num : {},
  mustBeGreaterThan: num,
  mustBeGreaterOrEqualTo: num,
  mustBeGreaterThanOrEqualTo: num,
  mustBeLessThan: num,
  mustBeLessOrEqualTo: num,
  mustBeLessThanOrEqualTo: num,
  mustBeBetween: { type: 'array', items: num, minItems: 2, maxItems: 2, ...(numericOnly ? {} : { uniqueItems: true }) },
  mustNotBeBetween: { type: 'array', items: num, minItems: 2, maxItems: 2, ...(numericOnly ? {} : { uniqueItems: true }) },
});

const links = { type: 'object', minProperties: 1, propertyNames: { pattern: '^[a-zA-Z0-9_-]+$' }, additionalProperties: uri };

/** Keys a field and a definition share. */
const fieldCommon: S = {
  title: str,
  description: str,
  type: { $ref: '#/definitions/FieldType' },
  fields: { type: 'object', additionalProperties: { $ref: '#/definitions/Field' } },
  items: { $ref: '#/definitions/Field' },
  keys: { $ref: '#/definitions/Field' },
  values: { $ref: '#/definitions/Field' },
  minLength: int,
  maxLength: int,
  format: str,
  pattern: str,
  minimum: num,
  exclusiveMinimum: num,
  maximum: num,
  exclusiveMaximum: num,
  example: str,
  examples: { type: 'array' },
  pii: bool,
  classification: str,
  tags: { type: 'array', items: str },
  links,
};

const configMap = (known: string[]): S => ({
  type: 'object',
  properties: Object.fromEntries(known.map((k) => [k, str])),
  additionalProperties: { type: ['string', 'number', 'boolean', 'object', 'array', 'null'] },
});

export const dcsSchema: S = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://contractgen.dev/schemas/dcs-1.json',
  type: 'object',
  properties: {
    dataContractSpecification: { type: 'string', enum: ['1.2.1', '1.2.0', '1.1.0', '0.9.3', '0.9.2', '0.9.1', '0.9.0'] },
    id: str,
    info: {
      type: 'object',
      properties: {
        title: str,
        version: str,
        status: str,
        description: str,
        owner: str,
        contact: { type: 'object', properties: { name: str, url: uri, email: { type: 'string', format: 'email' } } },
      },
      required: ['title', 'version'],
    },
    servers: { type: 'object', additionalProperties: { $ref: '#/definitions/Server' } },
    terms: {
      type: 'object',
      properties: {
        usage: str,
        limitations: str,
        policies: { type: 'array', items: { type: 'object', properties: { type: str, description: str, url: uri } } },
        billing: str,
        noticePeriod: str,
      },
    },
    models: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-zA-Z0-9_-]+$' },
      additionalProperties: {
        type: 'object',
        properties: {
          description: str,
          type: { type: 'string', enum: ['table', 'view', 'object'] },
          title: str,
          fields: { type: 'object', additionalProperties: { $ref: '#/definitions/Field' } },
          primaryKey: { type: 'array', items: str },
          quality: { type: 'array', items: { $ref: '#/definitions/Quality' } },
          examples: { type: 'array' },
          additionalFields: bool,
          config: configMap(['avroNamespace']),
        },
      },
    },
    definitions: {
      type: 'object',
      propertyNames: { pattern: '^[a-zA-Z0-9/_-]+$' },
      additionalProperties: {
        type: 'object',
        properties: { ...fieldCommon, domain: str, name: str, precision: int, scale: int },
        required: ['type'],
      },
    },
    servicelevels: {
      type: 'object',
      properties: {
        availability: { type: 'object', properties: { description: str, percentage: { type: 'string', pattern: '^\\d+(\\.\\d+)?%$' } } },
        retention: { type: 'object', properties: { description: str, period: str, unlimited: bool, timestampField: str } },
        latency: { type: 'object', properties: { description: str, threshold: str, sourceTimestampField: str, processedTimestampField: str } },
        freshness: { type: 'object', properties: { description: str, threshold: str, timestampField: str } },
        frequency: {
          type: 'object',
          properties: { description: str, type: { type: 'string', enum: ['batch', 'micro-batching', 'streaming', 'manual'] }, interval: str, cron: str },
        },
        support: { type: 'object', properties: { description: str, time: str, responseTime: str } },
        backup: { type: 'object', properties: { description: str, interval: str, cron: str, recoveryTime: str, recoveryPoint: str } },
      },
    },
    links,
    tags: { type: 'array', items: str },
  },
  required: ['dataContractSpecification', 'id', 'info'],
  definitions: {
    FieldType: { type: 'string', enum: [...DCS_FIELD_TYPES] },
    Field: {
      type: 'object',
      properties: {
        ...fieldCommon,
        required: bool,
        primary: bool,
        primaryKey: bool,
        references: str,
        unique: bool,
        enum: { type: 'array', items: str, uniqueItems: true },
        precision: num,
        scale: num,
        $ref: str,
        quality: { type: 'array', items: { $ref: '#/definitions/Quality' } },
        lineage: {
          type: 'object',
          properties: {
            inputFields: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  namespace: str,
                  name: str,
                  field: str,
                  transformations: {
                    type: 'array',
                    items: { type: 'object', properties: { type: str, subtype: str, description: str, masking: bool }, required: ['type'] },
                  },
                },
                required: ['namespace', 'name', 'field'],
              },
            },
            transformationDescription: str,
            transformationType: str,
          },
          required: ['inputFields'],
        },
        config: configMap([
          'avroType', 'avroLogicalType', 'bigqueryType', 'snowflakeType', 'redshiftType', 'sqlserverType', 'databricksType', 'glueType',
        ]),
      },
    },
    Server: {
      type: 'object',
      properties: {
        description: str,
        environment: str,
        type: str,
        roles: { type: 'array', items: { type: 'object', properties: { name: str, description: str }, required: ['name'] } },
      },
      required: ['type'],
      allOf: Object.entries(SERVERS).map(([t, s]) => ({
        if: { properties: { type: { const: t } }, required: ['type'] },
        then: { type: 'object', ...s },
      })),
    },
    Quality: {
      type: 'object',
      properties: { type: { type: 'string', enum: ['text', 'library', 'sql', 'custom'] }, description: str },
      allOf: [
        { if: { properties: { type: { const: 'text' } } }, then: { required: ['description'] } },
        { if: { properties: { type: { const: 'sql' } } }, then: { properties: { query: str, dialect: str, ...operators(true) }, required: ['query'] } },
        {
          if: { properties: { type: { const: 'library' } } },
          then: {
            properties: {
              metric: str,
              rule: str,
              arguments: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'array', 'object'] } },
              ...operators(false),
            },
            required: ['metric'],
          },
        },
        {
          if: { properties: { type: { const: 'custom' } } },
          then: { properties: { description: str, engine: str, implementation: { type: ['object', 'array', 'string'] } }, required: ['engine'] },
        },
      ],
    },
  },
};
