import { describe, expect, it } from 'vitest';
import { CONNECTION_SPACE, PACKET_SPACE } from '../../../src/report/select/field-names.js';
import { FilterError, parseFilter } from '../../../src/report/select/filter-expression.js';

// packets as `packets --format ndjson` prints them (docs/json.md), cut to the fields the cases read
const challenge = {
  frame: 14, connection: 1, type: '1RTT', form: 'short', dcid: 'c4a1', scid: null, length: 1232, decrypted: true, keyPhase: 0,
  frames: [{ type: 'path_challenge', data: 'a1b2c3d4e5f60708' }, { type: 'padding', length: 1190 }],
};
const initial = {
  frame: 1, connection: 3, type: 'initial', form: 'long', dcid: '5e0f', scid: '77', length: 1200, decrypted: true, token: '',
  frames: [{ type: 'crypto', offset: 0, length: 280 }, { type: 'padding' }],
};
const sealed = { frame: 9, connection: 5, type: '1RTT', form: 'short', dcid: 'c4ff', scid: null, length: 90, decrypted: 'no keys', frames: [] };
const ack = { frame: 20, connection: 2, type: 'handshake', dcid: 'ab', length: 60, decrypted: true, frames: [{ type: 'ack', acked_ranges: [[0, 3], [7, 9]] }] };
const packets = [challenge, initial, sealed, ack];

/** the frames of the packets a filter keeps */
function kept(text: string): number[] {
  const f = parseFilter(text, PACKET_SPACE);
  return packets.filter((p) => f.test(p)).map((p) => p.frame);
}

function failure(text: string): FilterError {
  try {
    parseFilter(text, PACKET_SPACE);
  } catch (err) {
    if (err instanceof FilterError) return err;
    throw err;
  }
  throw new Error(`${text} was read without an error`);
}

describe('--filter: the issue\'s examples', () => {
  it('type == "1RTT" && frames.type == "path_challenge": a list matches when any element does', () => {
    expect(kept('type == "1RTT" && frames.type == "path_challenge"')).toEqual([14]);
  });
  it('dcid ~ "^c4": a regular expression', () => {
    expect(kept('dcid ~ "^c4"')).toEqual([14, 9]);
  });
  it('length > 1200', () => {
    expect(kept('length > 1200')).toEqual([14]);
  });
  it('connection in (3, 5)', () => {
    expect(kept('connection in (3, 5)')).toEqual([1, 9]);
    expect(kept('connection in [3, 5]')).toEqual([1, 9]);
    expect(kept('type in ("initial")')).toEqual([1]);
  });
  it('sni == "example.com" on connections, and connection as another name for id', () => {
    const conns = [{ id: 1, sni: 'example.com', handshake: { durationMs: 23.7 } }, { id: 2, sni: 'other.test', handshake: { durationMs: 80 } }, { id: 3, sni: null }];
    const keep = (t: string) => conns.filter((c) => parseFilter(t, CONNECTION_SPACE).test(c)).map((c) => c.id);
    expect(keep('sni == "example.com"')).toEqual([1]);
    expect(keep('connection in (2, 3)')).toEqual([2, 3]);
    expect(keep('handshake.durationMs >= 50')).toEqual([2]);
    expect(keep('sni == null')).toEqual([3]);
  });
});

describe('--filter: operators', () => {
  it('!, ||, parentheses and tshark\'s words', () => {
    expect(kept('!(type == "1RTT")')).toEqual([1, 20]);
    expect(kept('type == "initial" || length < 100')).toEqual([1, 9, 20]);
    expect(kept('(type == "initial" || type == "handshake") && length >= 100')).toEqual([1]);
    expect(kept('not type == "1RTT" and length <= 60 or frame == 1')).toEqual([1, 20]);
  });
  it('precedence: && binds before ||', () => {
    expect(kept('frame == 1 || frame == 9 && length > 1000')).toEqual([1]);
  });
  it('!= on a list: no element equals, and a field that is absent is false', () => {
    expect(kept('frames.type != "padding"')).toEqual([20]);
    // sealed has no frames at all: neither == nor != holds, ! of == does
    expect(kept('!(frames.type == "padding")')).toEqual([9, 20]);
  });
  it('!~: no value matches', () => {
    expect(kept('dcid !~ "^c4"')).toEqual([1, 20]);
  });
  it('strings, numbers, booleans and null compare only with their own kind', () => {
    expect(kept('decrypted == true')).toEqual([14, 1, 20]);
    expect(kept('decrypted == "no keys"')).toEqual([9]);
    expect(kept('scid == null')).toEqual([14, 9]);
    expect(kept('length == "1200"')).toEqual([]);
    expect(kept("type == '1RTT'")).toEqual([14, 9]);
  });
  it('a value on the left reads the other way round', () => {
    expect(kept('1200 < length')).toEqual([14]);
  });
  it('a missing field is false, never an error', () => {
    expect(kept('token == ""')).toEqual([1]);
    expect(kept('token != "ab"')).toEqual([1]);
    expect(kept('frames.data ~ "^a1"')).toEqual([14]);
    expect(kept('keyPhase >= 0')).toEqual([14]);
  });
  it('nested lists: acked_ranges holds [smallest, largest] pairs', () => {
    expect(kept('frames.acked_ranges == 9')).toEqual([20]);
  });
  it('a field alone holds when it is true', () => {
    const rows = [{ pnSearched: true, frame: 1 }, { frame: 2 }, { frame: 3, frames: [{ type: 'stream', fin: false }, { type: 'stream', fin: true }] }];
    const keep = (t: string) => rows.filter((r) => parseFilter(t, PACKET_SPACE).test(r)).map((r) => r.frame);
    expect(keep('pnSearched')).toEqual([1]);
    expect(keep('!pnSearched')).toEqual([2, 3]);
    expect(keep('frames.fin')).toEqual([3]);
  });
});

describe('--filter: what cannot be read, and where', () => {
  it('an unknown field, at its column, with the names that could be meant', () => {
    const e = failure('length > 10 && tpye == "1RTT"');
    expect(e.column).toBe(15);
    expect(e.message).toBe('no packet field is named tpye');
    expect(e.unknown?.known).toContain('type');
  });
  it('an unknown member of a frame', () => {
    const e = failure('frames.tpye == "ack"');
    expect(e.column).toBe(0);
    expect(e.unknown?.name).toBe('frames.tpye');
    expect(e.unknown?.known).toContain('frames.type');
  });
  it('a value that is not a number must be quoted', () => {
    const e = failure('type == 1RTT');
    expect(e.column).toBe(8);
    expect(e.message).toMatch(/must be quoted/);
  });
  it('= instead of ==', () => {
    const e = failure('type = "1RTT"');
    expect(e.column).toBe(5);
    expect(e.message).toMatch(/compare with ==/);
  });
  it('& instead of &&, and arithmetic, are no part of the language', () => {
    expect(failure('frame == 1 & length > 2').message).toMatch(/&&/);
    expect(failure('length + 1 > 2').column).toBe(7);
  });
  it('a bad regular expression, at its quote', () => {
    const e = failure('dcid ~ "(c4"');
    expect(e.column).toBe(7);
    expect(e.message).toMatch(/^not a regular expression/);
  });
  it('two conditions with no operator between them', () => {
    const e = failure('type == "1RTT" length > 3');
    expect(e.column).toBe(15);
    expect(e.message).toMatch(/expected an operator/);
  });
  it('an unclosed bracket or quote, an empty filter, a value alone, a call', () => {
    expect(failure('(type == "1RTT"').message).toMatch(/unclosed \(/i);
    expect(failure('type == "1RTT').message).toMatch(/not closed/);
    expect(failure('   ').message).toMatch(/empty/);
    expect(failure('"1RTT"').message).toMatch(/a value alone/);
    expect(failure('type == "a" && length(3)').message).toMatch(/function call/);
    expect(failure('frames[0].type == "ack"').message).toMatch(/dots/);
    expect(failure('type == other').message).toBe('a value that is not a number must be quoted: "other"');
    expect(failure('src == dst').message).toMatch(/not with another field/);
    expect(failure('type ~ 3').message).toMatch(/regular expression in quotes/);
  });
  it('the text is never run as code', () => {
    // a JavaScript expression that would have an effect if evaluated is only ever an error here
    expect(() => parseFilter('constructor.constructor("return process")()', PACKET_SPACE)).toThrow(FilterError);
    expect(() => parseFilter('__proto__ == null', PACKET_SPACE)).toThrow(/no packet field is named __proto__/);
  });
});
