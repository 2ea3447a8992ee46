import { describe, expect, it } from 'vitest';
import { encodeVarint } from '../../src/quic/varint.js';
import { ByteReader } from '../../src/wire/byte-reader.js';
import { WireError } from '../../src/wire/wire-error.js';
import { loadVectors } from '../support/vectors.js';

// RFC 9000 Appendix A.1, from test/fixtures/vectors/rfc9000-examples.json
const examples = loadVectors('rfc9000-examples.json') as { varints: { hex: string; value: string }[] };

describe('variable-length integers (RFC 9000 §16, A.1)', () => {
  it.each(examples.varints)('reads $hex as $value', ({ hex, value }) => {
    const r = new ByteReader(Buffer.from(hex, 'hex'));
    expect(r.varintBig()).toBe(BigInt(value));
    expect(r.atEnd).toBe(true);
  });

  it.each(examples.varints.filter((v) => v.hex !== '4025'))('encodes $value minimally as $hex', ({ hex, value }) => {
    expect(encodeVarint(BigInt(value)).toString('hex')).toBe(hex);
  });

  it('reports where a truncated varint starts and what it needed', () => {
    const r = new ByteReader(Buffer.from('9d7f3e', 'hex'), 100);
    expect(() => r.varint('the Length field')).toThrowError(WireError);
    try {
      new ByteReader(Buffer.from('9d7f3e', 'hex'), 100).varint('the Length field');
    } catch (e) {
      expect((e as WireError).offset).toBe(100);
      expect((e as WireError).message).toBe('expected the Length field (4 bytes), found 3');
    }
  });

  it('refuses values that need more than 62 bits', () => {
    expect(() => encodeVarint(1n << 62n)).toThrow(RangeError);
  });
});
