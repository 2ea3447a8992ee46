import { describe, expect, it } from 'vitest';
import { decodeFieldSection } from '../../src/http3/field-section.js';
import { huffmanDecode } from '../../src/http3/huffman.js';
import { QpackError } from '../../src/http3/qpack-error.js';
import { QpackDynamicTable } from '../../src/http3/qpack-dynamic-table.js';
import { WireError } from '../../src/wire/wire-error.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('malformed QPACK Huffman literals (issue 12 §8)', () => {
  it("hpack.js's plain Error becomes our QpackError, a WireError with the string's offset", () => {
    // 0xff 0xff 0xff 0xff: thirty ones is EOS itself, which RFC 7541 §5.2 forbids in a string
    let caught: unknown;
    try {
      huffmanDecode(hex('ffffffff'), 7);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(QpackError);
    expect(caught).toBeInstanceOf(WireError);
    expect((caught as QpackError).offset).toBe(7);
    expect((caught as Error).message).toMatch(/^a Huffman-coded string of 4 bytes does not decode \(RFC 7541 Appendix B: /);
  });

  it('in a field section: the decode fails with QpackError at the literal', () => {
    // prefix 00 00; literal with name reference (static :path, index 1) and a Huffman value of ff ff ff ff
    const block = hex('0000 51 84 ffffffff');
    expect(() => decodeFieldSection(block, new QpackDynamicTable(), 0)).toThrow(QpackError);
  });

  it('on the encoder stream: the table stops reading the stream instead of throwing, and keeps what came before', () => {
    const t = new QpackDynamicTable();
    // Set Dynamic Table Capacity 220 (§4.3.1), Insert With Literal Name "a" = "b" (§4.3.3)
    t.encoderInstructions(hex('3fbd01 41 61 01 62'));
    expect(t.insertCount).toBe(1);
    // Insert With Literal Name, a Huffman name of ff ff ff ff, then a good instruction
    t.encoderInstructions(hex('64 ffffffff 01 62 41 63 01 64'));
    t.encoderInstructions(hex('41 65 01 66'));
    expect(t.insertCount).toBe(1);
    expect(t.get(0)).toEqual(['a', 'b']);
  });
});
