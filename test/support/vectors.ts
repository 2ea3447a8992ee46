import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared beside the checkout: test vectors and third-party captures (read-only data). */
export const SHARED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared');

export function loadVectors<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(SHARED, 'vectors', name), 'utf8')) as T;
}
