/**
 * contractgen's own JSON Schema (draft 2019-09) for ODCS v3.0.x and v3.1.0 contracts, written from the
 * standard's text and facts (bitol-io/open-data-contract-standard, v3.1.0). It follows the standard's
 * structure (strict objects, `unevaluatedProperties`, type-specific server and logicalTypeOptions rules)
 * so that its verdict equals the official schema's; the conformance test in test/conformance holds us to that.
 */
type S = Record<string, unknown>;

const str = { type: 'string' };
const int = { type: 'integer' };
const num = { type: 'number' };
const bool = { type: 'boolean' };
const ref = (name: string): S => ({ $ref: `#/$defs/${name}` });
const arrayOf = (items: S): S => ({ type: 'array', items });

/** ODCS server types and their type-specific keys; `*` marks required keys. */
const SERVER_TYPES: Record<string, string[]> = {
  api: ['location*:uri'],
  athena: ['stagingDir*:uri', 'schema*', 'catalog', 'regionName'],
  azure: ['location*:uri', 'format*', 'delimiter'],
  bigquery: ['project*', 'dataset*'],
  clickhouse: ['host*', 'port*:int', 'database*'],
  databricks: ['host', 'catalog*', 'schema*'],
  denodo: ['host*', 'port*:int', 'database'],
  dremio: ['host*', 'port*:int', 'schema'],
  duckdb: ['database*', 'schema'],
  glue: ['account*', 'database*', 'location:uri', 'format'],
  cloudsql: ['host*', 'port*:int', 'database*', 'schema*'],
  db2: ['host*', 'port*:int', 'database*', 'schema'],
  hive: ['host*', 'port:int', 'database*'],
  impala: ['host*', 'port:int', 'database*'],
  informix: ['host*', 'port:int', 'database*'],
  zen: ['host*', 'port:int', 'database*'],
  custom: [
    'account', 'catalog', 'database', 'dataset', 'delimiter', 'endpointUrl:uri', 'format', 'host', 'location:uri', 'path',
    'port:int', 'project', 'region', 'regionName', 'schema', 'serviceName', 'stagingDir', 'warehouse', 'stream',
  ],
  kafka: ['host*', 'format'],
  kinesis: ['region', 'format'],
  local: ['path*', 'format*'],
  mysql: ['host*', 'port*:int', 'database*'],
  oracle: ['host*', 'port*:int', 'serviceName*'],
  postgresql: ['host*', 'port*:int', 'database*', 'schema*'],
  postgres: ['host*', 'port*:int', 'database*', 'schema*'],
  presto: ['host*', 'catalog', 'schema'],
  pubsub: ['project*'],
  redshift: ['host', 'database*', 'schema*', 'region', 'account'],
  s3: ['location*:uri', 'endpointUrl:uri', 'format', 'delimiter'],
  sftp: ['location*:sftp', 'format', 'delimiter'],
  snowflake: ['host', 'port:int', 'account*', 'database*', 'schema*', 'warehouse'],
  sqlserver: ['host*', 'port:int', 'database*', 'schema*'],
  synapse: ['host*', 'port*:int', 'database*'],
  trino: ['host*', 'port*:int', 'catalog*', 'schema*'],
  vertica: ['host*', 'port*:int', 'database*', 'schema*'],
};

export const ODCS_SERVER_TYPES = Object.keys(SERVER_TYPES);

function serverSchema(keys: string[]): S {
  const properties: S = {};
  const required: string[] = [];
  for (const k of keys) {
    const [nameReq, kind] = k.split(':') as [string, string | undefined];
    const name = nameReq.replace('*', '');
    if (nameReq.endsWith('*')) required.push(name);
    properties[name] =
      kind === 'int' ? int : kind === 'uri' ? { type: 'string', format: 'uri' } : kind === 'sftp' ? { type: 'string', format: 'uri', pattern: '^sftp://.*' } : str;
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

const numericOptions = (formats: string[]): S => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    multipleOf: { type: 'number', exclusiveMinimum: 0 },
    maximum: num,
    exclusiveMaximum: num,
    minimum: num,
    exclusiveMinimum: num,
    format: { type: 'string', enum: formats },
  },
});
const temporalOptions = (withZone: boolean): S => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    format: str,
    exclusiveMaximum: str,
    maximum: str,
    exclusiveMinimum: str,
    minimum: str,
    ...(withZone ? { timezone: bool, defaultTimezone: str } : {}),
  },
});
const whenLogical = (types: string[], then: S): S => ({
  if: { anyOf: types.map((t) => ({ properties: { logicalType: { const: t } } })) },
  then,
});

const OPERATORS: Array<[string, S]> = [
  ['mustBe', {}],
  ['mustNotBe', {}],
  ['mustBeGreaterThan', num],
  ['mustBeGreaterOrEqualTo', num],
  ['mustBeLessThan', num],
  ['mustBeLessOrEqualTo', num],
  ['mustBeBetween', { type: 'array', minItems: 2, maxItems: 2, uniqueItems: true, items: num }],
  ['mustNotBeBetween', { type: 'array', minItems: 2, maxItems: 2, uniqueItems: true, items: num }],
];

export const LOGICAL_TYPES = ['string', 'date', 'timestamp', 'time', 'number', 'integer', 'object', 'array', 'boolean'] as const;
export const QUALITY_METRICS = ['nullValues', 'missingValues', 'invalidValues', 'duplicateValues', 'rowCount'] as const;
export const QUALITY_DIMENSIONS = ['accuracy', 'completeness', 'conformity', 'consistency', 'coverage', 'timeliness', 'uniqueness'];

const reference = { anyOf: [ref('ShorthandReference'), ref('FullyQualifiedReference')] };
const referenceOrList = { oneOf: [reference, { type: 'array', items: reference, minItems: 1 }] };

export const odcsSchema: S = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  $id: 'https://contractgen.dev/schemas/odcs-3.json',
  type: 'object',
  properties: {
    version: str,
    kind: { type: 'string', enum: ['DataContract'] },
    apiVersion: { type: 'string', enum: ['v3.1.0', 'v3.0.2', 'v3.0.1', 'v3.0.0', 'v2.2.2', 'v2.2.1', 'v2.2.0'] },
    id: str,
    name: str,
    tenant: str,
    tags: ref('Tags'),
    status: str,
    servers: arrayOf(ref('Server')),
    dataProduct: str,
    description: {
      type: 'object',
      properties: {
        usage: str,
        purpose: str,
        limitations: str,
        authoritativeDefinitions: ref('AuthoritativeDefinitions'),
        customProperties: ref('CustomProperties'),
      },
    },
    domain: str,
    schema: arrayOf(ref('SchemaObject')),
    support: ref('Support'),
    price: ref('Pricing'),
    // v3.0 wrote team as an array of members; v3.1 as an object. Same verdict as the standard's oneOf, clearer errors.
    team: { if: { type: 'array' }, then: arrayOf(ref('TeamMember')), else: ref('Team') },
    roles: arrayOf(ref('Role')),
    slaDefaultElement: str,
    slaProperties: arrayOf(ref('ServiceLevelAgreementProperty')),
    authoritativeDefinitions: ref('AuthoritativeDefinitions'),
    customProperties: ref('CustomProperties'),
    contractCreatedTs: { type: 'string', format: 'date-time' },
  },
  required: ['version', 'apiVersion', 'kind', 'id', 'status'],
  additionalProperties: false,
  $defs: {
    ShorthandReference: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$' },
    FullyQualifiedReference: {
      type: 'string',
      pattern:
        '^(?:(?:https?:\\/\\/)?[A-Za-z0-9._\\-\\/]+\\.yaml#)?\\/?[A-Za-z_][A-Za-z0-9_]*\\/[A-Za-z0-9_-]+(?:\\/[A-Za-z_][A-Za-z0-9_]*\\/[A-Za-z0-9_-]+)*$',
    },
    StableId: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
    Server: {
      type: 'object',
      properties: {
        id: ref('StableId'),
        server: str,
        type: { type: 'string', enum: ODCS_SERVER_TYPES },
        description: str,
        environment: str,
        roles: arrayOf(ref('Role')),
        customProperties: ref('CustomProperties'),
      },
      allOf: Object.entries(SERVER_TYPES).map(([t, keys]) => ({
        if: { properties: { type: { const: t } }, required: ['type'] },
        then: serverSchema(keys),
      })),
      required: ['server', 'type'],
      unevaluatedProperties: false,
    },
    SchemaElement: {
      type: 'object',
      properties: {
        id: ref('StableId'),
        name: str,
        physicalType: str,
        description: str,
        businessName: str,
        authoritativeDefinitions: ref('AuthoritativeDefinitions'),
        tags: ref('Tags'),
        customProperties: ref('CustomProperties'),
      },
    },
    SchemaObject: {
      type: 'object',
      properties: {
        logicalType: { type: 'string', enum: ['object'] },
        physicalName: str,
        dataGranularityDescription: str,
        properties: arrayOf(ref('SchemaProperty')),
        relationships: arrayOf(ref('RelationshipSchemaLevel')),
        quality: ref('DataQualityChecks'),
      },
      allOf: [ref('SchemaElement')],
      required: ['name'],
      unevaluatedProperties: false,
    },
    SchemaBaseProperty: {
      type: 'object',
      properties: {
        primaryKey: bool,
        primaryKeyPosition: int,
        logicalType: { type: 'string', enum: [...LOGICAL_TYPES] },
        logicalTypeOptions: { type: 'object' },
        physicalType: str,
        physicalName: str,
        required: bool,
        unique: bool,
        partitioned: bool,
        partitionKeyPosition: int,
        classification: str,
        encryptedName: str,
        transformSourceObjects: arrayOf(str),
        transformLogic: str,
        transformDescription: str,
        examples: arrayOf(ref('AnyType')),
        criticalDataElement: bool,
        relationships: arrayOf(ref('RelationshipPropertyLevel')),
        quality: ref('DataQualityChecks'),
      },
      allOf: [
        ref('SchemaElement'),
        whenLogical(['string'], {
          properties: {
            logicalTypeOptions: {
              type: 'object',
              additionalProperties: false,
              properties: { minLength: { type: 'integer', minimum: 0 }, maxLength: { type: 'integer', minimum: 0 }, pattern: str, format: str },
            },
          },
        }),
        whenLogical(['date'], { properties: { logicalTypeOptions: temporalOptions(false) } }),
        whenLogical(['timestamp', 'time'], { properties: { logicalTypeOptions: temporalOptions(true) } }),
        whenLogical(['integer'], {
          properties: { logicalTypeOptions: numericOptions(['i8', 'i16', 'i32', 'i64', 'i128', 'u8', 'u16', 'u32', 'u64', 'u128']) },
        }),
        whenLogical(['number'], { properties: { logicalTypeOptions: numericOptions(['f32', 'f64']) } }),
        whenLogical(['object'], {
          properties: {
            logicalTypeOptions: {
              type: 'object',
              additionalProperties: false,
              properties: {
                maxProperties: { type: 'integer', minimum: 0 },
                minProperties: { type: 'integer', minimum: 0 },
                required: { type: 'array', items: str, minItems: 1, uniqueItems: true },
              },
            },
            properties: arrayOf(ref('SchemaProperty')),
          },
        }),
        whenLogical(['array'], {
          properties: {
            logicalTypeOptions: {
              type: 'object',
              additionalProperties: false,
              properties: { maxItems: { type: 'integer', minimum: 0 }, minItems: { type: 'integer', minimum: 0 }, uniqueItems: bool },
            },
            items: ref('SchemaItemProperty'),
          },
        }),
      ],
      unevaluatedProperties: false,
    },
    SchemaProperty: { type: 'object', $ref: '#/$defs/SchemaBaseProperty', required: ['name'], unevaluatedProperties: false },
    SchemaItemProperty: {
      type: 'object',
      $ref: '#/$defs/SchemaBaseProperty',
      properties: { properties: arrayOf(ref('SchemaProperty')) },
      unevaluatedProperties: false,
    },
    Tags: arrayOf(str),
    DataQuality: {
      type: 'object',
      properties: {
        id: ref('StableId'),
        authoritativeDefinitions: ref('AuthoritativeDefinitions'),
        businessImpact: str,
        customProperties: arrayOf(ref('CustomProperty')),
        description: str,
        dimension: { type: 'string', enum: QUALITY_DIMENSIONS },
        method: str,
        name: str,
        schedule: str,
        scheduler: str,
        severity: str,
        tags: ref('Tags'),
        type: { type: 'string', enum: ['text', 'library', 'sql', 'custom'] },
        unit: str,
      },
      allOf: [
        {
          if: { anyOf: [{ properties: { type: { const: 'library' } }, required: ['type'] }, { properties: { metric: str }, required: ['metric'] }] },
          then: ref('DataQualityLibrary'),
        },
        { if: { properties: { type: { const: 'sql' } }, required: ['type'] }, then: ref('DataQualitySql') },
        { if: { properties: { type: { const: 'custom' } }, required: ['type'] }, then: ref('DataQualityCustom') },
      ],
      unevaluatedProperties: false,
    },
    DataQualityChecks: arrayOf(ref('DataQuality')),
    DataQualityOperators: {
      type: 'object',
      oneOf: OPERATORS.map(([op, s]) => ({ properties: { [op]: s }, required: [op] })),
    },
    DataQualityLibrary: {
      type: 'object',
      allOf: [ref('DataQualityOperators')],
      properties: { metric: { type: 'string', enum: [...QUALITY_METRICS] }, rule: str, arguments: { type: 'object' } },
      required: ['metric'],
    },
    DataQualitySql: { type: 'object', allOf: [ref('DataQualityOperators')], properties: { query: str }, required: ['query'] },
    DataQualityCustom: {
      type: 'object',
      properties: { engine: str, implementation: { oneOf: [str, { type: 'object' }] } },
      required: ['engine', 'implementation'],
    },
    AuthoritativeDefinitions: arrayOf({
      type: 'object',
      properties: { id: ref('StableId'), url: str, type: str, description: str },
      required: ['url', 'type'],
      additionalProperties: false,
    }),
    Support: arrayOf(ref('SupportItem')),
    SupportItem: {
      type: 'object',
      properties: {
        id: ref('StableId'),
        channel: str,
        url: str,
        description: str,
        tool: str,
        scope: str,
        invitationUrl: str,
        customProperties: ref('CustomProperties'),
      },
      required: ['channel'],
      additionalProperties: false,
    },
    Pricing: {
      type: 'object',
      properties: { id: ref('StableId'), priceAmount: num, priceCurrency: str, priceUnit: str },
      additionalProperties: false,
    },
    TeamMember: {
      type: 'object',
      additionalProperties: false,
      properties: {
        id: ref('StableId'),
        username: str,
        name: str,
        description: str,
        role: str,
        dateIn: { type: 'string', format: 'date' },
        dateOut: { type: 'string', format: 'date' },
        replacedByUsername: str,
        tags: ref('Tags'),
        customProperties: arrayOf(ref('CustomProperty')),
        authoritativeDefinitions: ref('AuthoritativeDefinitions'),
      },
      required: ['username'],
    },
    Team: {
      type: 'object',
      additionalProperties: false,
      properties: {
        id: ref('StableId'),
        name: str,
        description: str,
        members: arrayOf(ref('TeamMember')),
        tags: ref('Tags'),
        customProperties: arrayOf(ref('CustomProperty')),
        authoritativeDefinitions: ref('AuthoritativeDefinitions'),
      },
    },
    Role: {
      type: 'object',
      properties: {
        id: ref('StableId'),
        role: str,
        description: str,
        access: str,
        firstLevelApprovers: str,
        secondLevelApprovers: str,
        customProperties: ref('CustomProperties'),
      },
      required: ['role'],
      additionalProperties: false,
    },
    ServiceLevelAgreementProperty: {
      type: 'object',
      properties: {
        id: ref('StableId'),
        property: str,
        value: ref('AnyNonCollectionType'),
        valueExt: ref('AnyNonCollectionType'),
        unit: str,
        element: str,
        driver: str,
        description: str,
        scheduler: str,
        schedule: str,
      },
      required: ['property', 'value'],
      additionalProperties: false,
    },
    CustomProperties: arrayOf(ref('CustomProperty')),
    CustomProperty: {
      type: 'object',
      properties: { id: ref('StableId'), property: str, value: ref('AnyType'), description: str },
      required: ['property', 'value'],
      additionalProperties: false,
    },
    AnyType: { type: ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'] },
    AnyNonCollectionType: { type: ['string', 'number', 'integer', 'boolean', 'null'] },
    RelationshipBase: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['foreignKey'] },
        from: referenceOrList,
        to: referenceOrList,
        customProperties: ref('CustomProperties'),
      },
    },
    RelationshipSchemaLevel: {
      type: 'object',
      allOf: [
        ref('RelationshipBase'),
        { required: ['from', 'to'] },
        {
          oneOf: [
            { properties: { from: str, to: str } },
            { properties: { from: { type: 'array', items: str, minItems: 1 }, to: { type: 'array', items: str, minItems: 1 } } },
          ],
        },
      ],
      unevaluatedProperties: false,
    },
    RelationshipPropertyLevel: {
      type: 'object',
      allOf: [ref('RelationshipBase'), { type: 'object', required: ['to'] }, { not: { required: ['from'] } }],
      unevaluatedProperties: false,
    },
  },
};

// ------------------------------------------------------------------------------------------------ ODCS v3.2.0

/** What ODCS v3.2.0 adds to a property (and to a map key or value, which have a property's shape). */
export const ODCS_32_PROPERTY_KEYS = ['enum', 'map', 'semanticType', 'synonyms'] as const;
/** What ODCS v3.2.0 adds at the contract and schema-object level. */
export const ODCS_32_OBJECT_KEYS = ['context', 'synonyms'] as const;

const clone32 = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/**
 * ODCS v3.2.0 (the standard's schema as it stood on 2026-06-04, before the release), derived from the v3.1.0
 * schema above with exactly the changes of its changelog: `enum` entries on properties, `logicalType: map` with
 * its `map.key`/`map.value`, `semanticType`, `synonyms` on schema objects and properties, `context` on the
 * contract and on schema objects, a multi-segment shorthand reference, `status` optional, and Athena's
 * `workgroup` with `stagingDir` optional. Used for contracts whose apiVersion is v3.2.0; test/conformance holds
 * its verdict to the official v3.2.0 schema's.
 */
function odcs32(base: S): S {
  type Def = S & { properties: Record<string, S>; allOf: S[] };
  const s = clone32(base) as S & { properties: Record<string, S>; $defs: Record<string, S>; required: string[] };
  const def = (name: string) => s.$defs[name] as Def;
  s.$id = 'https://contractgen.dev/schemas/odcs-3.2.json';
  s.properties.apiVersion = { type: 'string', enum: ['v3.2.0', 'v3.1.0', 'v3.0.2', 'v3.0.1', 'v3.0.0', 'v2.2.2', 'v2.2.1', 'v2.2.0'] };
  s.properties.context = ref('Context');
  s.required = s.required.filter((k) => k !== 'status');
  const d = s.$defs;
  d.ShorthandReference = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$' };
  d.Context = {
    oneOf: [
      str,
      {
        type: 'object',
        properties: {
          instructions: str,
          verifiedStatements: arrayOf({
            type: 'object',
            properties: { id: str, question: str, answer: str, authoritativeDefinitions: ref('AuthoritativeDefinitions'), tags: arrayOf(str), customProperties: ref('CustomProperties') },
            required: ['question'],
            additionalProperties: false,
          }),
          constraints: arrayOf({
            type: 'object',
            properties: { id: str, constraint: str, authoritativeDefinitions: ref('AuthoritativeDefinitions'), tags: arrayOf(str), customProperties: ref('CustomProperties') },
            required: ['constraint'],
            additionalProperties: false,
          }),
        },
        additionalProperties: false,
      },
    ],
  };
  d.EnumValue = {
    type: 'object',
    properties: {
      value: ref('AnyNonCollectionType'),
      label: str,
      id: ref('StableId'),
      description: str,
      customProperties: arrayOf(ref('CustomProperty')),
      authoritativeDefinitions: ref('AuthoritativeDefinitions'),
      tags: ref('Tags'),
    },
    required: ['value'],
    additionalProperties: false,
  };
  d.Synonyms = arrayOf(ref('Synonym'));
  d.Synonym = {
    type: 'object',
    properties: { id: ref('StableId'), synonym: str, description: str, locale: str, source: str, status: str, customProperties: ref('CustomProperties') },
    required: ['synonym'],
    additionalProperties: false,
  };
  def('SchemaElement').properties.synonyms = ref('Synonyms');
  def('SchemaObject').properties.context = ref('Context');
  const prop = def('SchemaBaseProperty');
  prop.properties.logicalType = { type: 'string', enum: [...LOGICAL_TYPES, 'map'] };
  prop.properties.semanticType = { type: 'string', enum: ['column', 'measure', 'dimension'] };
  prop.properties.enum = { type: 'array', minItems: 1, uniqueItems: true, items: ref('EnumValue') };
  prop.allOf.push(
    whenLogical(['map'], {
      properties: {
        map: {
          type: 'object',
          additionalProperties: false,
          properties: { key: ref('SchemaItemProperty'), value: ref('SchemaItemProperty') },
          required: ['key', 'value'],
        },
      },
      required: ['map'],
    }),
  );
  const server = def('Server');
  server.allOf = (server.allOf as S[]).map((c) =>
    (c.if as { properties: { type: { const: string } } }).properties.type.const === 'athena' ? { ...c, then: serverSchema(['stagingDir:uri', 'schema*', 'catalog', 'regionName', 'workgroup']) } : c,
  );
  return s;
}

export const odcs32Schema: S = odcs32(odcsSchema);
