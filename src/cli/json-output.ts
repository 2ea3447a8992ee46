import { jsonListsText, type JsonLists } from '../report/json-stream.js';
import type { Output } from './output.js';

/**
 * A document of lists (json-stream.ts) written as it is made, then a line break: the output
 * holds back the making when it waits on a slow reader, and never holds more than a chunk.
 */
export async function writeJsonLists(out: Output, fields: JsonLists, pretty: boolean): Promise<void> {
  for (const piece of jsonListsText(fields, pretty)) {
    out.write(piece);
    await out.drain();
  }
  out.write('\n');
}
