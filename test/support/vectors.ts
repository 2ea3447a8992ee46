import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * test/fixtures: data from other projects and the RFCs (vectors, third-party captures, qlogs,
 * load-balancer configs, TLS messages), each folder with its source and licence. Kept in the repo
 * so a clone alone passes its tests.
 */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function loadVectors<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, 'vectors', name), 'utf8')) as T;
}
