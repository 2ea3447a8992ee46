/**
 * A long list of flat JSON objects (RTT samples, bytes-in-flight samples, losses), packed
 * for the HTML report without loss: each object is a row of values after the index of its
 * layout (its keys, and which of them hold strings); string values are indexes into
 * `strings`; a numeric `time` is the difference from the row before in whole microseconds
 * (the precision the commands print), a numeric `frame` the difference from the row
 * before. Nested values (objects, arrays) stay as they are.
 *
 * Pure code, no Node: the report command packs, the page's script unpacks.
 */
export interface PackedRecords {
  packedRecords: 1;
  /** per layout: its keys; a leading `$` marks a string index, `@` a time difference (µs), `#` a frame difference */
  layouts: string[][];
  strings: string[];
  rows: unknown[][];
}

export function packRecords(list: readonly Record<string, unknown>[]): PackedRecords {
  const layouts: string[][] = [];
  const layoutIndex = new Map<string, number>();
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  let lastUs = 0;
  let lastFrame = 0;
  const rows = list.map((o) => {
    const keys = Object.keys(o).map((k) => (typeof o[k] === 'string' ? `$${k}` : typeof o[k] === 'number' && k === 'time' ? '@time' : typeof o[k] === 'number' && k === 'frame' ? '#frame' : k));
    const sig = JSON.stringify(keys);
    let li = layoutIndex.get(sig);
    if (li === undefined) {
      li = layouts.length;
      layouts.push(keys);
      layoutIndex.set(sig, li);
    }
    return [
      li,
      ...Object.entries(o).map(([k, v]) => {
        if (typeof v === 'number' && k === 'time') {
          const us = Math.round(v * 1e6);
          const d = us - lastUs;
          lastUs = us;
          return d;
        }
        if (typeof v === 'number' && k === 'frame') {
          const d = v - lastFrame;
          lastFrame = v;
          return d;
        }
        if (typeof v !== 'string') return v;
        let si = stringIndex.get(v);
        if (si === undefined) {
          si = strings.length;
          strings.push(v);
          stringIndex.set(v, si);
        }
        return si;
      }),
    ];
  });
  return { packedRecords: 1, layouts, strings, rows };
}

export function isPackedRecords(v: unknown): v is PackedRecords {
  return typeof v === 'object' && v !== null && (v as { packedRecords?: unknown }).packedRecords === 1;
}

export function unpackRecords<T = Record<string, unknown>>(p: PackedRecords): T[] {
  let us = 0;
  let frame = 0;
  return p.rows.map(([li, ...values]) => {
    const o: Record<string, unknown> = {};
    (p.layouts[li as number] ?? []).forEach((key, j) => {
      if (key.startsWith('$')) o[key.slice(1)] = p.strings[values[j] as number];
      else if (key === '@time') {
        us += values[j] as number;
        o.time = us / 1e6;
      } else if (key === '#frame') {
        frame += values[j] as number;
        o.frame = frame;
      } else o[key] = values[j];
    });
    return o as T;
  });
}
