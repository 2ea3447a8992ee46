/**
 * The packets of `packets --format json`, packed for the HTML report: the same objects,
 * losslessly, as a table of columns in a few bytes a packet, so that a 100,000-packet page
 * stays small and opens fast. The page decodes the columns into typed arrays in one pass
 * and parses a packet's frames only when it shows or searches that packet.
 *
 * The bytes (`PacketColumns.bytes`) are sections one after the other, in the order and of
 * the lengths `PacketTableMeta.sections` gives:
 * - one section per field of `PACKET_COLUMNS`: per packet one unsigned LEB128 number, a
 *   code: 0 the field is absent, 1 null, 2 its value is in the packet's extra object (a
 *   value the column cannot hold), 3 true, 4 false, else the value + 5: for `frame` and
 *   `time` the zigzag of the difference from the packet before (time in whole microseconds,
 *   the precision `packets` prints), for the interned columns an index into `strings`, for
 *   the other numbers their zigzag;
 * - `frameCount`: per packet, how many frames it has;
 * - `frameLayout`: per frame, an index into `frameKeys` (the frame's `type`, then its other keys);
 * - `textLength`: per packet two numbers, the length (UTF-16 code units) of its frames'
 *   values and of its extra object in the text;
 * - `text`: UTF-8; per packet the JSON array of each frame's values (in its layout's key
 *   order), then the JSON of the fields the columns do not hold (or nothing).
 *
 * Pure code, no Node: the report command packs, the page (and the tests) decode.
 */

/** the packet fields (nearly) every packet has, in design.md's order; `spinBit` is a short header's */
export const PACKET_COLUMNS = [
  'frame', 'time', 'connection', 'direction', 'src', 'dst', 'form', 'type', 'version',
  'dcid', 'scid', 'pn', 'keyPhase', 'length', 'decrypted', 'spinBit',
] as const;
export type PacketColumn = (typeof PACKET_COLUMNS)[number];

/** the columns held as an index into `strings` */
const INTERNED: ReadonlySet<string> = new Set(['direction', 'src', 'dst', 'form', 'type', 'version', 'dcid', 'scid', 'decrypted']);
/** the columns written as the difference from the packet before */
const DELTA: ReadonlySet<string> = new Set(['frame', 'time']);

const ABSENT = 0;
const NULL = 1;
const EXTRA = 2;
const TRUE = 3;
const FALSE = 4;
const VALUE = 5;
/** integers written as numbers: beyond this their zigzag would not be exact in a double */
const MAX_INT = 2 ** 50;

export interface PacketTableMeta {
  /** the layout's version: a page reads only the one it was built for */
  format: 'columns-1';
  count: number;
  columns: readonly string[];
  strings: string[];
  frameKeys: string[][];
  /** the byte length of each section, in order */
  sections: { name: string; bytes: number }[];
}

export interface PacketColumns {
  meta: PacketTableMeta;
  bytes: Uint8Array;
}

/** unsigned LEB128 numbers into a growing buffer; arithmetic, not bit operations, so up to 2^53 */
class VarintSink {
  private buf = new Uint8Array(1 << 12);
  length = 0;

  push(v: number): void {
    if (this.length + 8 > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    while (v >= 128) {
      this.buf[this.length++] = (v % 128) + 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.length++] = v;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

const zigzag = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= MAX_INT;

export class PacketPacker {
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly frameKeys: string[][] = [];
  private readonly keysIndex = new Map<string, number>();
  private readonly cols = PACKET_COLUMNS.map(() => new VarintSink());
  private readonly frameCount = new VarintSink();
  private readonly frameLayout = new VarintSink();
  private readonly textLength = new VarintSink();
  private readonly text: string[] = [];
  private count = 0;
  private lastFrame = 0;
  private lastMicros = 0;

  /** adds one packet, as packetToJson gives it */
  add(p: Record<string, unknown>): void {
    const extra: Record<string, unknown> = {};
    let anyExtra = false;
    PACKET_COLUMNS.forEach((col, j) => {
      const code = this.code(col, p);
      if (code === EXTRA) {
        extra[col] = p[col];
        anyExtra = true;
      }
      this.cols[j]!.push(code);
    });
    const frames = Array.isArray(p.frames) ? (p.frames as Record<string, unknown>[]) : null;
    if (frames === null) {
      // not a list (no such packet yet): kept whole among the extra fields
      extra.frames = p.frames;
      anyExtra = true;
    }
    const values = (frames ?? []).map((f) => this.frame(f));
    this.frameCount.push(values.length);
    for (const [k] of values) this.frameLayout.push(k);
    for (const [k, v] of Object.entries(p)) {
      if ((PACKET_COLUMNS as readonly string[]).includes(k) || k === 'frames') continue;
      extra[k] = v;
      anyExtra = true;
    }
    const framesText = JSON.stringify(values.map(([, v]) => v));
    const extraText = anyExtra ? JSON.stringify(extra) : '';
    this.textLength.push(framesText.length);
    this.textLength.push(extraText.length);
    this.text.push(framesText, extraText);
    this.count++;
  }

  result(): PacketColumns {
    const parts: { name: string; data: Uint8Array }[] = [
      ...PACKET_COLUMNS.map((c, j) => ({ name: c, data: this.cols[j]!.bytes() })),
      { name: 'frameCount', data: this.frameCount.bytes() },
      { name: 'frameLayout', data: this.frameLayout.bytes() },
      { name: 'textLength', data: this.textLength.bytes() },
      { name: 'text', data: new TextEncoder().encode(this.text.join('')) },
    ];
    const bytes = new Uint8Array(parts.reduce((n, x) => n + x.data.length, 0));
    let at = 0;
    for (const x of parts) {
      bytes.set(x.data, at);
      at += x.data.length;
    }
    return {
      meta: {
        format: 'columns-1',
        count: this.count,
        columns: PACKET_COLUMNS,
        strings: this.strings,
        frameKeys: this.frameKeys,
        sections: parts.map((x) => ({ name: x.name, bytes: x.data.length })),
      },
      bytes,
    };
  }

  private code(col: PacketColumn, p: Record<string, unknown>): number {
    if (!(col in p)) return ABSENT;
    const v = p[col];
    if (v === null) return NULL;
    if (col === 'time') {
      const us = typeof v === 'number' ? Math.round(v * 1e6) : NaN;
      // only times the packets' precision gives exactly back; any other goes whole into the extra fields
      if (!isInt(us) || us / 1e6 !== v) return EXTRA;
      const d = us - this.lastMicros;
      this.lastMicros = us;
      return zigzag(d) + VALUE;
    }
    if (col === 'frame') {
      if (!isInt(v)) return EXTRA;
      const d = v - this.lastFrame;
      this.lastFrame = v;
      return zigzag(d) + VALUE;
    }
    if (v === true) return TRUE;
    if (v === false) return FALSE;
    if (INTERNED.has(col)) return typeof v === 'string' ? this.intern(v) + VALUE : EXTRA;
    return isInt(v) ? zigzag(v) + VALUE : EXTRA;
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

  /** a frame's layout index and its values in the layout's key order */
  private frame(f: Record<string, unknown>): [number, unknown[]] {
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
    return [i, keys.map((k) => f[k])];
  }
}

/** reads `n` LEB128 numbers from `bytes` into `out` */
function readVarints(bytes: Uint8Array, n: number, out: Float64Array, what: string): void {
  let at = 0;
  const end = bytes.length;
  for (let i = 0; i < n; i++) {
    if (at >= end) throw new Error(`packet table: section ${what} ends after ${i} of ${n} numbers`);
    let b = bytes[at++]!;
    // most numbers fit one byte
    if (b < 128) {
      out[i] = b;
      continue;
    }
    let v = b - 128;
    let scale = 128;
    do {
      if (at >= end) throw new Error(`packet table: section ${what} ends after ${i} of ${n} numbers`);
      b = bytes[at++]!;
      v += (b & 127) * scale;
      scale *= 128;
    } while (b >= 128);
    out[i] = v;
  }
}

/**
 * The decoded table: each column as numbers by packet position (a code below VALUE says
 * absent, null, extra, true or false), frames by layout, and each packet's text kept
 * unparsed until asked for.
 */
export class PacketTable {
  readonly count: number;
  /** per column, per packet: the code as written, decoded (delta columns summed, zigzag undone) where it is a value */
  private readonly values: Float64Array[] = [];
  /** per column, per packet: the kind of code (ABSENT…VALUE); null when every packet has a value */
  private readonly kinds: (Uint8Array | null)[] = [];
  private readonly col = new Map<string, number>();
  /** packet i's frames are frameLayout[frameStart[i]] … frameLayout[frameStart[i+1] - 1] */
  readonly frameStart: Uint32Array;
  readonly frameLayout: Uint32Array;
  /** packet i's frame values are text[textStart[2i], textStart[2i+1]), its extra fields then to textStart[2i+2] */
  private readonly textStart: Float64Array;
  private readonly text: string;

  constructor(readonly meta: PacketTableMeta, bytes: Uint8Array) {
    if (meta.format !== 'columns-1') throw new Error(`packet table: format ${String(meta.format)}, expected columns-1`);
    const n = (this.count = meta.count);
    const section = new Map<string, Uint8Array>();
    let at = 0;
    for (const s of meta.sections) {
      if (at + s.bytes > bytes.length) throw new Error(`packet table: section ${s.name} runs past the data's ${bytes.length} bytes`);
      section.set(s.name, bytes.subarray(at, at + s.bytes));
      at += s.bytes;
    }
    const need = (name: string) => {
      const s = section.get(name);
      if (!s) throw new Error(`packet table: no section ${name}`);
      return s;
    };
    const scratch = new Float64Array(n);
    meta.columns.forEach((name, j) => {
      this.col.set(name, j);
      readVarints(need(name), n, scratch, name);
      const out = new Float64Array(n);
      let kind: Uint8Array | null = null;
      const delta = DELTA.has(name);
      const interned = INTERNED.has(name);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const c = scratch[i]!;
        if (c < VALUE) {
          kind ??= new Uint8Array(n).fill(VALUE);
          kind[i] = c;
          out[i] = NaN;
          continue;
        }
        const z = c - VALUE;
        // zigzag undone with bit operations where they are exact (under 2^31), by arithmetic above
        const v = interned ? z : z < 0x80000000 ? (z >>> 1) ^ -(z & 1) : unzigzag(z);
        if (delta) {
          sum += v;
          out[i] = sum;
        } else out[i] = v;
      }
      // time in whole microseconds, summed exactly, then seconds: the same division roundTime makes
      if (name === 'time') for (let i = 0; i < n; i++) out[i] = out[i]! / 1e6;
      this.values.push(out);
      this.kinds.push(kind);
    });
    readVarints(need('frameCount'), n, scratch, 'frameCount');
    this.frameStart = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) this.frameStart[i + 1] = this.frameStart[i]! + scratch[i]!;
    const frames = this.frameStart[n]!;
    const layouts = new Float64Array(frames);
    readVarints(need('frameLayout'), frames, layouts, 'frameLayout');
    this.frameLayout = Uint32Array.from(layouts);
    const lengths = new Float64Array(2 * n);
    readVarints(need('textLength'), 2 * n, lengths, 'textLength');
    this.textStart = new Float64Array(2 * n + 1);
    for (let i = 0; i < 2 * n; i++) this.textStart[i + 1] = this.textStart[i]! + lengths[i]!;
    this.text = new TextDecoder().decode(need('text'));
    if (this.text.length !== this.textStart[2 * n]) throw new Error(`packet table: text of ${this.text.length} characters, the lengths say ${this.textStart[2 * n]}`);
  }

  /** the column's kind of value for packet i: VALUE, or ABSENT, NULL, EXTRA, TRUE, FALSE */
  private kind(j: number, i: number): number {
    const k = this.kinds[j];
    return k ? k[i]! : VALUE;
  }

  /** a number column's value, or null when the packet has none there (or one only unpack gives) */
  num(name: PacketColumn, i: number): number | null {
    const j = this.col.get(name)!;
    return this.kind(j, i) === VALUE ? this.values[j]![i]! : null;
  }

  /** an interned column's string; `true`/`false` as words; null when none */
  str(name: PacketColumn, i: number): string | null {
    const j = this.col.get(name)!;
    const k = this.kind(j, i);
    if (k === VALUE) return this.meta.strings[this.values[j]![i]!] ?? null;
    return k === TRUE ? 'true' : k === FALSE ? 'false' : null;
  }

  /** the type of each of packet i's frames, in order */
  frameTypes(i: number): string[] {
    const out: string[] = [];
    for (let f = this.frameStart[i]!; f < this.frameStart[i + 1]!; f++) out.push(this.meta.frameKeys[this.frameLayout[f]!]?.[0] ?? 'unknown');
    return out;
  }

  /** the JSON text of packet i: its frames' values, and its extra fields */
  private texts(i: number): [string, string] {
    const t = this.textStart;
    return [this.text.slice(t[2 * i]!, t[2 * i + 1]!), this.text.slice(t[2 * i + 1]!, t[2 * i + 2]!)];
  }

  /** packet i as packetToJson gave it: the same fields in the same order (the columns, the frames, the rest, a short header's spin bit) */
  packet(i: number): Record<string, unknown> {
    const [framesText, extraText] = this.texts(i);
    const extra = extraText ? (JSON.parse(extraText) as Record<string, unknown>) : {};
    const o: Record<string, unknown> = {};
    const put = (name: string, j: number) => {
      const k = this.kind(j, i);
      if (k === ABSENT) return;
      if (k === EXTRA) {
        o[name] = extra[name];
        delete extra[name];
      } else if (k === NULL) o[name] = null;
      else if (k === TRUE || k === FALSE) o[name] = k === TRUE;
      else o[name] = INTERNED.has(name) ? this.meta.strings[this.values[j]![i]!] : this.values[j]![i];
    };
    this.meta.columns.forEach((name, j) => name !== 'spinBit' && put(name, j));
    if (!('frames' in extra)) {
      const values = JSON.parse(framesText) as unknown[][];
      o.frames = values.map((vals, n) => {
        const [type, ...keys] = this.meta.frameKeys[this.frameLayout[this.frameStart[i]! + n]!] ?? ['unknown'];
        const f: Record<string, unknown> = { type };
        keys.forEach((key, m) => (f[key] = vals[m]));
        return f;
      });
    }
    Object.assign(o, extra);
    const spin = this.col.get('spinBit');
    if (spin !== undefined) put('spinBit', spin);
    return o;
  }
}
