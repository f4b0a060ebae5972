/** `contractgen init`: a new repository of contracts (import/init.ts builds the files; this writes them, never over anything). */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../../diagnostics/diagnostic.js';
import { displayPath } from '../../load/files.js';
import { defineCommand } from '../command.js';
import { VERSION } from '../version.js';

export const init = defineCommand({
  name: 'init',
  summary: 'Scaffold a repository of contracts: the config, an example contract, pre-commit hooks and a CI workflow.',
  description: `Writes contractgen.config.yaml with every setting and its comment, contracts/ with one example contract,
.pre-commit-config.yaml (lint, generate --check) and a GitHub Actions workflow (lint, generate --check, breaking
against the target branch), with contractgen's version pinned. On a terminal it asks for the project and the
domain the flags do not give; otherwise it asks nothing. It never overwrites: when a file exists it writes nothing
and exits 2, naming the files.`,
  positionals: { name: 'DIR', max: 1, help: 'where to create the repository (default: the current directory)' },
  flags: {
    project: { type: 'string', value: 'NAME', shownDefault: "the directory's name", help: 'the project name, a lower-case identifier' },
    domain: { type: 'string', value: 'NAME', shownDefault: 'data', help: 'the business domain' },
  },
  examples: [
    ['contractgen init', 'scaffold the current directory'],
    ['contractgen init data-contracts --project shop_platform --domain retail', 'a new directory, asking nothing'],
  ],
  async run({ flags, positionals }, io) {
    const dir = resolve(io.cwd, positionals[0] ?? '.');
    const { scaffold, projectName } = await import('../../import/init.js');
    let project = flags.project;
    let domain = flags.domain;
    // questions only on a terminal, and only for what the flags did not say
    if (io.isTTY && process.stdin.isTTY && (project === undefined || domain === undefined)) {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const dflt = projectName(basename(dir));
        if (project === undefined) project = (await rl.question(`Project name [${dflt}]: `)).trim() || dflt;
        if (domain === undefined) domain = (await rl.question('Business domain [data]: ')).trim() || 'data';
      } finally {
        rl.close();
      }
    }
    project ??= projectName(basename(dir));
    domain ??= 'data';
    if (!/^[a-z_][a-z0-9_]*$/.test(project) || project.length > 63) throw new UsageError(`--project must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters), not ${JSON.stringify(project)}`);
    if (domain.trim() === '') throw new UsageError('--domain must not be empty');
    const files = scaffold({ project, domain, version: VERSION });
    const existing = files.filter((f) => existsSync(join(dir, f.path))).map((f) => displayPath(io.cwd, join(dir, f.path)));
    if (existing.length) throw new UsageError(`refusing to overwrite ${existing.join(', ')}; nothing was written`);
    for (const f of files) {
      const abs = join(dir, f.path);
      try {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, f.text, { flag: 'wx' });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new UsageError(`refusing to overwrite ${displayPath(io.cwd, abs)}, created meanwhile`);
        if (code === 'ENOTDIR') throw new UsageError(`cannot create ${displayPath(io.cwd, abs)}: a file stands where a directory must be`);
        throw e;
      }
    }
    io.stderr(`contractgen: created ${files.map((f) => displayPath(io.cwd, join(dir, f.path))).join(', ')}\n`);
    io.stderr('contractgen: next: edit or import contracts (contractgen import), then `contractgen lint` and `npx generate`\n');
    return 0;
  },
});
