import { ByteReader } from '../wire/byte-reader.js';
import { huffmanDecode } from './huffman.js';
import { readPrefixInteger, readStringLiteral } from './prefix-integer.js';
import type { QpackDynamicTable } from './qpack-dynamic-table.js';
import { QPACK_STATIC_TABLE } from './qpack-static-table.js';

export interface FieldSection {
  fields: [string, string][];
  /** references to dynamic-table entries the captured encoder stream never supplied */
  unresolved: string[];
}

/**
 * Decodes a QPACK field section (RFC 9204 §4.5): the prefix (Required Insert Count, Base),
 * then field lines from the static table, the dynamic table or literals. A reference the
 * dynamic table cannot answer is named, never guessed.
 */
export function decodeFieldSection(block: Buffer, dynamic: QpackDynamicTable, maxTableCapacity: number): FieldSection {
  const r = new ByteReader(block);
  const encodedInsertCount = readPrefixInteger(r, r.u8('the Required Insert Count'), 8);
  const required = requiredInsertCount(encodedInsertCount, maxTableCapacity, dynamic.insertCount);
  const second = r.u8('the Base');
  const delta = readPrefixInteger(r, second, 7);
  const base = second & 0x80 ? required - delta - 1 : required + delta;

  const out: FieldSection = { fields: [], unresolved: [] };
  const fromDynamic = (absolute: number): [string, string] | undefined => {
    const e = dynamic.get(absolute);
    if (!e) out.unresolved.push(`dynamic entry ${absolute}`);
    return e;
  };
  const value = () => readStringLiteral(r, r.u8('a field value'), 7, huffmanDecode);

  while (!r.atEnd) {
    const first = r.u8('a field line');
    if (first & 0x80) {
      // §4.5.2 Indexed Field Line: T bit (static) and a 6-bit index
      const index = readPrefixInteger(r, first, 6);
      const e = first & 0x40 ? QPACK_STATIC_TABLE[index] : fromDynamic(base - 1 - index);
      if (e) out.fields.push([e[0], e[1]]);
    } else if (first & 0x40) {
      // §4.5.4 Literal Field Line with Name Reference: N, T, 4-bit name index, value
      const index = readPrefixInteger(r, first, 4);
      const e = first & 0x10 ? QPACK_STATIC_TABLE[index] : fromDynamic(base - 1 - index);
      const v = value();
      if (e) out.fields.push([e[0], v]);
    } else if (first & 0x20) {
      // §4.5.6 Literal Field Line with Literal Name: N, H, 3-bit name length, name, value
      const name = readStringLiteral(r, first, 3, huffmanDecode);
      out.fields.push([name, value()]);
    } else if (first & 0x10) {
      // §4.5.3 Indexed Field Line with Post-Base Index (4-bit)
      const e = fromDynamic(base + readPrefixInteger(r, first, 4));
      if (e) out.fields.push([e[0], e[1]]);
    } else {
      // §4.5.5 Literal Field Line with Post-Base Name Reference: N, 3-bit index, value
      const e = fromDynamic(base + readPrefixInteger(r, first, 3));
      const v = value();
      if (e) out.fields.push([e[0], v]);
    }
  }
  return out;
}

/** RFC 9204 §4.5.1.1: the Required Insert Count from its encoded form */
function requiredInsertCount(encoded: number, maxTableCapacity: number, totalInserts: number): number {
  if (encoded === 0) return 0;
  const maxEntries = Math.floor(maxTableCapacity / 32);
  if (maxEntries === 0) return encoded; // no dynamic table was allowed: take it as it is
  const fullRange = 2 * maxEntries;
  const maxValue = totalInserts + maxEntries;
  const maxWrapped = Math.floor(maxValue / fullRange) * fullRange;
  let req = maxWrapped + encoded - 1;
  if (req > maxValue) req -= fullRange;
  return req;
}
