import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * A capture's id: the SHA-256 of its bytes, hex, read as a stream (a 1 GB capture is never
 * held whole). The same capture indexed twice, under any name, has the same id.
 */
export async function captureIdOf(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
