/**
 * Event times: how each qlog version encodes them, turned into one clock.
 *
 * - draft-00/01 (draft-marx-qlog-main-schema-01 §time, delta_time and reference_time +
 *   relative_time): the column name says the mode (`time`, `delta_time`, `relative_time`),
 *   `configuration.time_units` says "ms" or "us", `configuration.time_offset` shifts the
 *   whole trace (in the same units) and `common_fields.reference_time` is a string.
 * - 0.3 and 0.4 (draft-ietf-quic-qlog-main-schema-01 to -09 §timestamps): `time_format` "absolute"
 *   (the default), "relative" (to a numeric `reference_time` in epoch ms) or "delta".
 * - newer drafts (main-schema-10 §Timestamps and later): `reference_time` is an object
 *   {clock_type, epoch, wall_clock_time} and `time_format` is "relative_to_epoch" (the
 *   default) or "relative_to_previous_event".
 */

export type TimeMode = 'absolute' | 'relative' | 'delta';

export interface TimeBase {
  mode: TimeMode;
  /** milliseconds per unit of the written times */
  unitMs: number;
  /** added to every time, in ms (draft-01 time_offset) */
  offsetMs: number;
  /** epoch ms the relative times count from, when known */
  referenceMs?: number;
}

/** The running state a trace needs while its times are converted in file order. */
export class TraceClock {
  private previous: number | undefined;

  constructor(readonly base: TimeBase) {}

  /**
   * Milliseconds on the trace's clock for a written time, in the trace's mode unless the
   * event names its own (main-schema allows a per-event `time_format`). Times must be fed
   * in file order: a delta is added to the time before it.
   */
  toMs(written: number, eventMode?: TimeMode): number {
    const { unitMs, offsetMs, referenceMs } = this.base;
    const v = written * unitMs;
    let t: number;
    switch (eventMode ?? this.base.mode) {
      case 'absolute':
        t = v;
        break;
      case 'relative':
        t = (referenceMs ?? 0) + v;
        break;
      case 'delta':
        // the first delta counts from the reference time, or is itself a full timestamp
        t = (this.previous ?? referenceMs ?? 0) + v;
        break;
    }
    this.previous = t;
    return t + offsetMs;
  }
}

/** a per-event or common `time_format`, in any version's vocabulary */
export function parseTimeFormat(v: unknown): TimeMode | undefined {
  if (typeof v !== 'string') return undefined;
  switch (v.toLowerCase()) {
    case 'absolute':
      return 'absolute';
    case 'relative':
    case 'relative_to_epoch':
      return 'relative';
    case 'delta':
    case 'relative_to_previous_event':
      return 'delta';
    default:
      return undefined;
  }
}

/** "ms" or "us" (draft-01 configuration.time_units); anything else is ms, the default */
export function unitMsOf(units: unknown): number {
  if (typeof units !== 'string') return 1;
  const u = units.toLowerCase();
  if (u === 'us' || u === 'µs') return 1e-3;
  if (u === 'ns') return 1e-6;
  if (u === 's') return 1e3;
  return 1;
}

/** a number, or a decimal string as draft-00/01 writers logged numbers */
export function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/**
 * A plain-number reference time as epoch ms. The drafts say it is in the trace's time
 * units, but pcap2qlog wrote seconds ("1564658098.991056") in files that say "ms", so the
 * unit is read from the magnitude: any date between 1990 and 2100 is unambiguous in
 * seconds, milliseconds, microseconds or nanoseconds.
 */
export function epochMsFromNumber(v: number): number | undefined {
  if (!(v > 0)) return undefined;
  const YEAR_1990_S = 631_152_000;
  const YEAR_2100_S = 4_102_444_800;
  for (const [scale, toMs] of [
    [1, 1e3],
    [1e3, 1],
    [1e6, 1e-3],
    [1e9, 1e-6],
  ] as const) {
    if (v >= YEAR_1990_S * scale && v < YEAR_2100_S * scale) return v * toMs;
  }
  return undefined;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * An RFC 3339 date-time as epoch ms, keeping fractions below a millisecond (quic-go writes
 * nanoseconds, which Date.parse would drop or refuse).
 */
export function parseRfc3339(s: string): number | undefined {
  const m = RFC3339.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (Number.isNaN(ms)) return undefined;
  if (frac) ms += Number(`0${frac}`) * 1000;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return ms;
}

/**
 * The epoch ms a trace's relative times count from, from `common_fields.reference_time`
 * in any version's form: a number or numeric string (draft-01, 0.3), or an object
 * (main-schema-10 on) whose `epoch` is an RFC 3339 time or "unknown", with
 * `wall_clock_time` then giving the start of logging. Undefined when there is none.
 *
 * 0.3 writers that cannot tell the time write 0 (ngtcp2 does, with "relative" times); taken
 * literally that would date every event in January 1970, so 0 counts as no reference.
 */
export function referenceTimeMs(v: unknown): number | undefined {
  const n = numeric(v);
  if (n !== undefined) return epochMsFromNumber(n);
  if (typeof v === 'string') return parseRfc3339(v);
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.epoch === 'string' && o.epoch.toLowerCase() !== 'unknown') {
      const epoch = parseRfc3339(o.epoch);
      if (epoch !== undefined) return epoch;
    }
    if (typeof o.wall_clock_time === 'string') return parseRfc3339(o.wall_clock_time);
  }
  return undefined;
}
