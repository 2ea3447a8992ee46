/**
 * The packets of `packets --format json`, packed for the HTML report: the same objects,
 * losslessly, in a form small enough that a 100,000-packet capture's page stays under
 * 15 MB. Each packet is an array in the order of `columns`; the columns whose values repeat
 * (addresses, connection IDs, types) hold an index into `strings`; the fields only some
 * packets carry sit in a last element. Each frame is an array whose first element indexes
 * `frameKeys`: the frame's `type` value, then the frame object's other keys; their values
 * follow in that order. `frame` and `time` are written as the difference from the packet
 * before (time in whole microseconds, the precision `packets` prints): `decodePackets`
 * turns them back, once, before the rows are read.
 *
 * Pure code, no Node: the page's script unpacks with it, the report command packs.
 */

/** the packet fields (nearly) every packet has, in design.md's order; `spinBit` is a short header's */
export const PACKET_COLUMNS = [
  'frame', 'time', 'connection', 'direction', 'src', 'dst', 'form', 'type', 'version',
  'dcid', 'scid', 'pn', 'keyPhase', 'length', 'decrypted', 'frames', 'spinBit',
] as const;

/** the columns held as an index into `strings` (null stays null) */
const INTERNED: ReadonlySet<string> = new Set(['direction', 'src', 'dst', 'form', 'type', 'version', 'dcid', 'scid', 'decrypted']);

export type PackedFrame = [number, ...unknown[]];
/** one packet: the columns' values, then the other fields (an object) or 0 when there are none */
export type PackedPacket = unknown[];

export interface PackedPackets {
  /** `delta`: frame and time are differences from the row before; `absolute` once decoded */
  encoding: 'delta' | 'absolute';
  columns: readonly string[];
  strings: string[];
  frameKeys: string[][];
  rows: PackedPacket[];
}

export class PacketPacker {
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly frameKeys: string[][] = [];
  private readonly keysIndex = new Map<string, number>();
  private readonly rows: PackedPacket[] = [];
  private lastFrame = 0;
  private lastMicros = 0;

  /** adds one packet, as packetToJson gives it */
  add(p: Record<string, unknown>): void {
    const row: PackedPacket = [];
    for (const col of PACKET_COLUMNS) {
      const v = p[col];
      if (col === 'frame') {
        row.push((v as number) - this.lastFrame);
        this.lastFrame = v as number;
      } else if (col === 'time') {
        const us = Math.round((v as number) * 1e6);
        row.push(us - this.lastMicros);
        this.lastMicros = us;
      } else if (col === 'frames') row.push((v as Record<string, unknown>[]).map((f) => this.frame(f)));
      else if (INTERNED.has(col) && v !== null && v !== undefined) row.push(this.intern(typeof v === 'string' ? v : JSON.stringify(v)));
      else row.push(v === undefined ? null : v);
    }
    const extra: Record<string, unknown> = {};
    let any = false;
    for (const [k, v] of Object.entries(p)) {
      if ((PACKET_COLUMNS as readonly string[]).includes(k)) continue;
      extra[k] = v;
      any = true;
    }
    row.push(any ? extra : 0);
    this.rows.push(row);
  }

  result(): PackedPackets {
    return { encoding: 'delta', columns: PACKET_COLUMNS, strings: this.strings, frameKeys: this.frameKeys, rows: this.rows };
  }

  private intern(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  private frame(f: Record<string, unknown>): PackedFrame {
    const keys = Object.keys(f).filter((k) => k !== 'type');
    // the type (a string by design.md) belongs to the layout: repeated on every frame, it would cost the most
    const layout = [String(f.type), ...keys];
    const sig = JSON.stringify(layout);
    let i = this.keysIndex.get(sig);
    if (i === undefined) {
      i = this.frameKeys.length;
      this.frameKeys.push(layout);
      this.keysIndex.set(sig, i);
    }
    return [i, ...keys.map((k) => f[k])];
  }
}

/** frame and time back to their values, in place (once; the rows are then read at random) */
export function decodePackets(packed: PackedPackets): PackedPackets {
  if (packed.encoding === 'absolute') return packed;
  const f = packed.columns.indexOf('frame');
  const t = packed.columns.indexOf('time');
  let frame = 0;
  let us = 0;
  for (const row of packed.rows) {
    frame += row[f] as number;
    us += row[t] as number;
    row[f] = frame;
    row[t] = us / 1e6;
  }
  packed.encoding = 'absolute';
  return packed;
}

/** one packet's frame objects back from their packed form */
export function unpackFrames(packed: PackedPackets, frames: readonly PackedFrame[]): Record<string, unknown>[] {
  return frames.map(([k, ...values]) => {
    const [type, ...keys] = packed.frameKeys[k] ?? ['unknown'];
    const o: Record<string, unknown> = { type };
    keys.forEach((key, j) => (o[key] = values[j]));
    return o;
  });
}

/** one packet back as packetToJson gave it (same fields, same order for the columns), from decoded rows */
export function unpackPacket(packed: PackedPackets, row: PackedPacket): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  packed.columns.forEach((col, j) => {
    const v = row[j];
    if (col === 'frames') o[col] = unpackFrames(packed, v as PackedFrame[]);
    else if (INTERNED.has(col) && typeof v === 'number') o[col] = col === 'decrypted' ? decryptedValue(packed.strings[v]!) : packed.strings[v];
    // a column the packet does not have (spinBit of a long header) stays absent
    else if (v !== null || col !== 'spinBit') o[col] = v;
  });
  const extra = row[packed.columns.length];
  if (extra && typeof extra === 'object') Object.assign(o, extra);
  return o;
}

/** `decrypted` is `true` or a reason: interned as JSON `true` or the reason itself */
function decryptedValue(s: string): unknown {
  return s === 'true' ? true : s;
}
