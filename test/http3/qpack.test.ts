import { describe, expect, it } from 'vitest';
import { decodeFieldSection } from '../../src/http3/field-section.js';
import { Http3FrameReader, http3FrameType } from '../../src/http3/frames.js';
import { huffmanDecode } from '../../src/http3/huffman.js';
import { QpackDynamicTable } from '../../src/http3/qpack-dynamic-table.js';
import { QPACK_STATIC_TABLE } from '../../src/http3/qpack-static-table.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('Huffman code (RFC 7541 Appendix B), with the Appendix C examples', () => {
  it.each([
    ['f1e3 c2e5 f23a 6ba0 ab90 f4ff', 'www.example.com'], // C.4.1
    ['a8eb 1064 9cbf', 'no-cache'], // C.4.2
    ['25a8 49e9 5ba9 7d7f', 'custom-key'], // C.4.3
    ['25a8 49e9 5bb8 e8b4 bf', 'custom-value'], // C.4.3
    ['6402', '302'], // C.6.1
    ['aec3 771a 4b', 'private'], // C.6.1
    ['9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3', 'https://www.example.com'], // C.6.1
  ])('%s is "%s"', (bytes, text) => {
    expect(huffmanDecode(hex(bytes))).toBe(text);
  });

  it('refuses padding that is not a prefix of EOS', () => {
    expect(() => huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f400'))).toThrow();
  });
});

describe('QPACK (RFC 9204)', () => {
  it('has the 99 entries of the static table (Appendix A)', () => {
    expect(QPACK_STATIC_TABLE).toHaveLength(99);
    expect(QPACK_STATIC_TABLE[17]).toEqual([':method', 'GET']);
    expect(QPACK_STATIC_TABLE[23]).toEqual([':scheme', 'https']);
    expect(QPACK_STATIC_TABLE[25]).toEqual([':status', '200']);
    expect(QPACK_STATIC_TABLE[63]).toEqual([':status', '100']);
    expect(QPACK_STATIC_TABLE[98]).toEqual(['x-frame-options', 'sameorigin']);
  });

  it('decodes a field section of static references and literals (§4.5)', () => {
    // Required Insert Count 0, Base 0; indexed :method GET (17), :scheme https (23);
    // :path with a literal value; a literal name with a Huffman value
    // (0x26: a 6-byte plain name; 0x89: a 9-byte Huffman value)
    const block = hex('0000 d1 d7 51 0b 2f696e6465782e68746d6c 26 637573746f6d 89 25a849e95bb8e8b4bf');
    const out = decodeFieldSection(block, new QpackDynamicTable(), 0);
    expect(out.unresolved).toEqual([]);
    expect(out.fields).toEqual([[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], ['custom', 'custom-value']]);
  });

  it('resolves dynamic references from the encoder stream, and names the ones it cannot', () => {
    const table = new QpackDynamicTable();
    // Set Dynamic Table Capacity 220 (§4.3.1), Insert with static name :authority (§4.3.2),
    // sent in two pieces as it may arrive
    const instructions = hex('3fbd01 c0 0f 7777772e6578616d706c652e636f6d');
    table.encoderInstructions(instructions.subarray(0, 6));
    expect(table.insertCount).toBe(0);
    table.encoderInstructions(instructions.subarray(6));
    expect(table.insertCount).toBe(1);
    // Required Insert Count 1 encodes as 2 with MaxEntries 6 (§4.5.1.1); Base 1; indexed dynamic relative 0
    expect(decodeFieldSection(hex('0200 80'), table, 220).fields).toEqual([[':authority', 'www.example.com']]);
    // a reference to an insert the capture never showed
    expect(decodeFieldSection(hex('0300 80 d1'), table, 220)).toEqual({ fields: [[':method', 'GET']], unresolved: ['dynamic entry 1'] });
  });
});

describe('HTTP/3 frames (RFC 9114 §7.2)', () => {
  it('keeps HEADERS and SETTINGS, counts DATA without keeping it, across split bytes', () => {
    const r = new Http3FrameReader();
    const bytes = hex('01 03 000080' + '00 05 6869686968' + '04 02 0100' + '21 00');
    const events = [...r.push(bytes.subarray(0, 9)), ...r.push(bytes.subarray(9))]; // split inside the DATA payload
    expect(events).toEqual([
      { kind: 'frame', type: 'headers', code: 1, payload: hex('000080') },
      { kind: 'data', bytes: 2 },
      { kind: 'data', bytes: 3 },
      { kind: 'frame', type: 'settings', code: 4, payload: hex('0100') },
      { kind: 'frame', type: 'reserved', code: 0x21, payload: Buffer.alloc(0) },
    ]);
  });

  it('names reserved types 0x1f * N + 0x21 (§7.2.8)', () => {
    expect(http3FrameType(0x21 + 0x1f * 3)).toBe('reserved');
    expect(http3FrameType(0x0d)).toBe('max_push_id');
    expect(http3FrameType(0x22)).toBe('unknown');
  });
});
