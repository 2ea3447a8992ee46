import type { PacketTable } from '../packed-packets.js';

/**
 * What the packet list reads of the packet table, by position: the row's fields from the
 * columns, a packet's frames and search text only when asked (and then kept).
 */
export class PacketStore {
  readonly count: number;
  private text: string[] | undefined;
  private frameIndex: Map<string, Int32Array> | undefined;

  constructor(readonly table: PacketTable) {
    this.count = table.count;
  }

  frame(i: number): number | null {
    return this.table.num('frame', i);
  }
  time(i: number): number | null {
    return this.table.num('time', i);
  }
  connection(i: number): number | null {
    return this.table.num('connection', i);
  }
  direction(i: number): string {
    return this.table.str('direction', i) ?? 'unknown';
  }
  type(i: number): string {
    return this.table.str('type', i) ?? 'unknown';
  }
  pn(i: number): number | null {
    return this.table.num('pn', i);
  }
  length(i: number): number | null {
    return this.table.num('length', i);
  }
  /** `true`, or why the packet was not decrypted */
  decrypted(i: number): string {
    return this.table.str('decrypted', i) ?? 'unknown';
  }

  frameTypes(i: number): string[] {
    return this.table.frameTypes(i);
  }

  /** a packet's frame types, repeats counted: `ack, stream ×3, padding` */
  frameSummary(i: number): string {
    const out: string[] = [];
    let last = '';
    let n = 0;
    const flush = () => {
      if (n > 0) out.push(n > 1 ? `${last} ×${n}` : last);
    };
    for (const t of this.frameTypes(i)) {
      if (t === last) n++;
      else {
        flush();
        last = t;
        n = 1;
      }
    }
    flush();
    return out.join(', ');
  }

  /** the whole packet, as `packets --format json` prints it */
  packet(i: number): Record<string, unknown> {
    return this.table.packet(i);
  }

  /** lower-case text a free-text filter searches: the packet's JSON, every field and frame; built on the first search */
  searchText(i: number): string {
    this.text ??= new Array<string>(this.count);
    let t = this.text[i];
    if (t === undefined) {
      t = JSON.stringify(this.packet(i)).toLowerCase();
      this.text[i] = t;
    }
    return t;
  }

  /** the positions of the packets holding a frame of this type, ascending: built for every type on the first frame filter */
  withFrameType(type: string): Int32Array {
    if (!this.frameIndex) {
      const { frameStart, frameLayout, meta } = this.table;
      const lists = meta.frameKeys.map(() => [] as number[]);
      for (let i = 0; i < this.count; i++) {
        let seen = -1;
        for (let f = frameStart[i]!; f < frameStart[i + 1]!; f++) {
          const k = frameLayout[f]!;
          // a layout is a type and a key set; a packet counts once per layout it holds
          if (k !== seen) lists[k]!.push(i);
          seen = k;
        }
      }
      const byType = new Map<string, number[][]>();
      meta.frameKeys.forEach((layout, k) => byType.set(layout[0]!, [...(byType.get(layout[0]!) ?? []), lists[k]!]));
      this.frameIndex = new Map([...byType].map(([t, ls]) => [t, Int32Array.from(new Set(ls.flat())).sort()]));
    }
    return this.frameIndex.get(type) ?? new Int32Array(0);
  }

  /** every packet type and frame type the packets hold, for the filters' choices */
  kinds(): { types: string[]; frames: string[] } {
    const types = new Set<string>();
    for (let i = 0; i < this.count; i++) types.add(this.type(i));
    const used = new Set(this.table.frameLayout);
    const frames = new Set(this.table.meta.frameKeys.filter((_, k) => used.has(k)).map((l) => l[0]!));
    return { types: [...types].sort(), frames: [...frames].sort() };
  }
}
