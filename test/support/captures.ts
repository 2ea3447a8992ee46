import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES } from './vectors.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SampleCapture {
  /** short name for test titles */
  name: string;
  path: string;
  /** key log beside the capture, if any */
  keylog?: string;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Every capture of captures/ and test/fixtures/captures-ext, with the key log found beside it. */
export function sampleCaptures(): SampleCapture[] {
  const files = [...walk(join(REPO, 'captures')), ...walk(join(FIXTURES, 'captures-ext'))];
  return files
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .sort()
    .map((path) => {
      const dir = dirname(path);
      const keys = walk(dir).find((f) => dirname(f) === dir && (/keys\.log$/.test(f) || f === path.replace(/\.pcap(ng)?$/, '.keys')));
      return { name: path.replace(`${REPO}/`, ''), path, keylog: keys };
    });
}
