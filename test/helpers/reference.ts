/**
 * Access to ../shared/reference (the official schemas, examples and property lists). CI has it beside the
 * checkout; when CI=true and a file is missing the test FAILS instead of skipping.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REFERENCE = resolve(ROOT, '..', 'shared', 'reference');

export function reference(rel: string): { path: string; available: boolean } {
  const path = join(REFERENCE, rel);
  const available = existsSync(path);
  if (!available && process.env.CI === 'true') {
    throw new Error(`reference file missing in CI: ${path} (../shared/reference must be beside the checkout)`);
  }
  return { path, available };
}

export function readReference(rel: string): string {
  return readFileSync(reference(rel).path, 'utf8');
}
