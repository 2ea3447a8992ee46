import { describe, expect, it } from 'vitest';
import { epochMsFromNumber, parseRfc3339, parseTimeFormat, referenceTimeMs, TraceClock, unitMsOf } from '../../src/qlog/qlog-time.js';

describe('reference times', () => {
  it('reads pcap2qlog seconds, milliseconds and microseconds by magnitude', () => {
    expect(referenceTimeMs('1564658098.991056')).toBeCloseTo(1564658098991.056, 3);
    expect(referenceTimeMs(1553986553572)).toBe(1553986553572);
    expect(referenceTimeMs('1553986553572000')).toBe(1553986553572);
    expect(epochMsFromNumber(42)).toBeUndefined();
  });

  it('takes 0 (what ngtcp2 writes when it has no clock) as no reference', () => {
    expect(referenceTimeMs(0)).toBeUndefined();
    expect(referenceTimeMs('0')).toBeUndefined();
  });

  it('reads the newer drafts\' object: the epoch, or the wall clock when the epoch is unknown', () => {
    expect(referenceTimeMs({ clock_type: 'system', epoch: '2024-05-01T12:00:00.000Z' })).toBe(Date.UTC(2024, 4, 1, 12));
    expect(referenceTimeMs({ clock_type: 'system', epoch: '1970-01-01T00:00:00.000Z' })).toBe(0);
    expect(referenceTimeMs({ clock_type: 'monotonic', epoch: 'unknown', wall_clock_time: '2025-03-04T05:06:07.5+01:00' })).toBe(
      Date.UTC(2025, 2, 4, 4, 6, 7, 500),
    );
    expect(referenceTimeMs({ clock_type: 'monotonic', epoch: 'unknown' })).toBeUndefined();
  });

  it('keeps sub-millisecond fractions of RFC 3339 times', () => {
    expect(parseRfc3339('2025-03-04T05:06:07.123456789Z')! - Date.UTC(2025, 2, 4, 5, 6, 7)).toBeCloseTo(123.456789, 3);
    expect(parseRfc3339('yesterday')).toBeUndefined();
  });
});

describe('time formats', () => {
  it('names every version\'s modes', () => {
    expect(['absolute', 'relative', 'relative_to_epoch', 'delta', 'relative_to_previous_event', 'other'].map(parseTimeFormat)).toEqual([
      'absolute',
      'relative',
      'relative',
      'delta',
      'delta',
      undefined,
    ]);
    expect([unitMsOf('ms'), unitMsOf('us'), unitMsOf(undefined)]).toEqual([1, 1e-3, 1]);
  });

  it('adds deltas in file order, from the reference time', () => {
    const clock = new TraceClock({ mode: 'delta', unitMs: 1, offsetMs: 0, referenceMs: 1000 });
    expect([10, 5, 0, 2.5].map((t) => clock.toMs(t))).toEqual([1010, 1015, 1015, 1017.5]);
  });

  it('converts microseconds and applies the trace\'s time offset', () => {
    const clock = new TraceClock({ mode: 'relative', unitMs: 1e-3, offsetMs: 2, referenceMs: 5000 });
    expect(clock.toMs(1500)).toBeCloseTo(5003.5, 9);
  });

  it('lets one event use its own time format', () => {
    const clock = new TraceClock({ mode: 'relative', unitMs: 1, offsetMs: 0, referenceMs: 100 });
    expect(clock.toMs(5)).toBe(105);
    expect(clock.toMs(7, 'absolute')).toBe(7);
  });
});
