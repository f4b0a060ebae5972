/**
 * `contractgen init`: the files of a new repository of contracts, as text (the CLI writes them). The config is
 * derived from the config type, its defaults and its meanings (config/config.ts: CONFIG_DOCS documents every key of
 * PlatformConfig, the compiler enforces it), so the scaffolded file cannot drift from what contractgen reads.
 */
import { Document, isMap, isScalar, type YAMLMap } from 'yaml';
import { contractSchemaText } from '../validate/editor-schema.js';
import { CONFIG_DOCS, DEFAULT_CONFIG, mergeConfig, type ConfigKey, type PlatformConfig } from '../config/config.js';

/** Every key path of the config, for tests: `kafka.topicDefaults.partitions` … */
export function configPaths(v: unknown = DEFAULT_CONFIG, prefix = ''): string[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => configPaths(x, prefix ? `${prefix}.${k}` : k));
}

/** contractgen.config.yaml with every setting, each with its comment, at its default unless overridden. */
export function configYaml(overrides: Partial<{ project: Partial<PlatformConfig['project']> }> = {}): string {
  const config = mergeConfig(DEFAULT_CONFIG, overrides) as PlatformConfig;
  const doc = new Document(config);
  const annotate = (node: YAMLMap, prefix: string) => {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const path = prefix ? `${prefix}.${key}` : key;
      const text = path in CONFIG_DOCS ? CONFIG_DOCS[path as ConfigKey] : undefined;
      if (text && isScalar(pair.key)) pair.key.commentBefore = ` ${text}`;
      if (isMap(pair.value)) annotate(pair.value, path);
    }
  };
  if (isMap(doc.contents)) annotate(doc.contents, '');
  doc.commentBefore = ' contractgen platform settings. Every setting is here with its default; change what differs on your platform.\n Strictly validated: an unknown key is an error (contractgen lint).';
  return doc.toString({ lineWidth: 0 });
}

export interface InitOptions {
  project: string;
  domain: string;
  /** contractgen's version, pinned in the hooks and the CI workflow */
  version: string;
}

/** The example contract: a PostgreSQL table captured by CDC, lint-clean, showing the common parts. */
function exampleContract(o: InitOptions): string {
  return `# yaml-language-server: $schema=../${EDITOR_SCHEMA}
# An example data contract (ODCS v3.1.0). Copy it for each table, or let \`contractgen import\` write them.
# The first line gives editors the contract schema (\`contractgen schema\` rewrites it after an upgrade).
apiVersion: v3.1.0
kind: DataContract
id: customers
name: Customers
version: 1.0.0
status: active
domain: ${o.domain}
description:
  purpose: One row per customer, in its current state.
servers:
  - server: app-postgres
    type: postgres
    host: app-db.internal
    port: 5432
    database: app
    schema: public
team:
  name: customer-team
schema:
  - name: customers
    physicalType: table
    description: Registered customers.
    properties:
      - name: customer_id
        logicalType: string
        physicalType: uuid
        logicalTypeOptions:
          format: uuid
        primaryKey: true
        required: true
        description: Identifier of the customer.
      - name: email
        logicalType: string
        physicalType: varchar(320)
        logicalTypeOptions:
          format: email
        required: true
        unique: true
        classification: restricted
        description: Login e-mail address.
        customProperties:
          - property: contractgen.pii
            value: true
      - name: status
        logicalType: string
        required: true
        description: Account status.
        quality:
          - type: library
            metric: invalidValues
            arguments:
              validValues: [active, suspended, closed]
            mustBe: 0
      - name: created_at
        logicalType: timestamp
        logicalTypeOptions:
          timezone: true
        required: true
        description: When the customer signed up.
slaProperties:
  - property: freshness
    value: 15
    unit: m
  - property: retention
    value: 5
    unit: y
`;
}

function preCommit(o: InitOptions): string {
  return `# pre-commit (https://pre-commit.com): \`pre-commit install\`, then every commit is linted and checked.
repos:
  - repo: local
    hooks:
      - id: contractgen-lint
        name: contractgen lint
        entry: contractgen lint
        language: node
        additional_dependencies: ['contractgen@${o.version}']
        files: ^contracts/.*\\.(ya?ml|json)$
      - id: contractgen-check
        name: contractgen generate --check
        entry: contractgen generate --check
        language: node
        additional_dependencies: ['contractgen@${o.version}']
        pass_filenames: false
        always_run: true
`;
}

function workflow(o: InitOptions): string {
  const cg = `npx --yes contractgen@${o.version}`;
  return `# The contracts in CI: lint, the generated files up to date, and no breaking change against the target branch.
name: contracts
on:
  pull_request:
  push:
    branches: [main]
jobs:
  contracts:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # breaking reads the target branch from git
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: ${cg} lint --format github
      - run: ${cg} generate --check
      - if: github.event_name == 'pull_request'
        run: ${cg} breaking --against origin/\${{ github.base_ref }} --format github
`;
}

/** The contracts' JSON Schema for editors (yaml-language-server, VS Code), which the example contract's first line names. */
export const EDITOR_SCHEMA = 'contract.schema.json';

/** The files `init` writes, by path relative to the repository root, in the order they are written. */
export function scaffold(o: InitOptions): Array<{ path: string; text: string }> {
  return [
    { path: 'contractgen.config.yaml', text: configYaml({ project: { name: o.project, domain: o.domain } }) },
    { path: 'contracts/customers.odcs.yaml', text: exampleContract(o) },
    { path: EDITOR_SCHEMA, text: contractSchemaText() },
    { path: '.pre-commit-config.yaml', text: preCommit(o) },
    { path: '.github/workflows/contracts.yml', text: workflow(o) },
  ];
}

/** A project name from a directory name: lower-case identifier. */
export function projectName(dir: string): string {
  const n = dir.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(n) ? n.slice(0, 63) : `p_${n}`.slice(0, 63) || 'platform';
}
