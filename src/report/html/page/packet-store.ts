import { decodePackets, unpackPacket, type PackedFrame, type PackedPackets } from '../packed-packets.js';

/** Read access to the packed packets by position, without unpacking every one. */
export class PacketStore {
  readonly count: number;
  private readonly col: Record<string, number> = {};
  private text: string[] | undefined;

  constructor(readonly packed: PackedPackets) {
    decodePackets(packed);
    this.count = packed.rows.length;
    packed.columns.forEach((c, i) => (this.col[c] = i));
  }

  private raw(i: number, name: string): unknown {
    return this.packed.rows[i]![this.col[name]!];
  }

  private str(i: number, name: string): string | null {
    const v = this.raw(i, name);
    return typeof v === 'number' ? this.packed.strings[v]! : null;
  }

  frame(i: number): number {
    return this.raw(i, 'frame') as number;
  }
  time(i: number): number {
    return this.raw(i, 'time') as number;
  }
  connection(i: number): number {
    return this.raw(i, 'connection') as number;
  }
  direction(i: number): string {
    return this.str(i, 'direction') ?? 'unknown';
  }
  type(i: number): string {
    return this.str(i, 'type') ?? 'unknown';
  }
  pn(i: number): number | null {
    return this.raw(i, 'pn') as number | null;
  }
  length(i: number): number | null {
    return this.raw(i, 'length') as number | null;
  }
  src(i: number): string | null {
    return this.str(i, 'src');
  }
  dst(i: number): string | null {
    return this.str(i, 'dst');
  }
  dcid(i: number): string | null {
    return this.str(i, 'dcid');
  }
  /** `true`, or why the packet was not decrypted */
  decrypted(i: number): string {
    return this.str(i, 'decrypted') ?? 'unknown';
  }

  /** the frame types of a packet, in order */
  frameTypes(i: number): string[] {
    const frames = this.raw(i, 'frames') as PackedFrame[];
    // a frame layout starts with the frame's type (packed-packets.ts)
    return frames.map((f) => this.packed.frameKeys[f[0]]?.[0] ?? 'unknown');
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
    return unpackPacket(this.packed, this.packed.rows[i]!);
  }

  /** lower-case text a free-text filter searches: the row's words, addresses, CIDs and every frame field */
  searchText(i: number): string {
    if (!this.text) this.text = new Array<string>(this.count);
    let t = this.text[i];
    if (t === undefined) {
      const row = this.packed.rows[i]!;
      t = [this.frame(i), this.direction(i), this.type(i), this.src(i), this.dst(i), this.dcid(i), this.str(i, 'scid'), this.str(i, 'version'), `pn ${this.pn(i)}`, this.decrypted(i), JSON.stringify(this.packet(i).frames), JSON.stringify(row[this.packed.columns.length])]
        .join(' ')
        .toLowerCase();
      this.text[i] = t;
    }
    return t;
  }

  /** every packet type and frame type the packets hold, for the filters' choices */
  kinds(): { types: string[]; frames: string[] } {
    const types = new Set<string>();
    const frames = new Set<string>();
    for (let i = 0; i < this.count; i++) {
      types.add(this.type(i));
      for (const f of this.frameTypes(i)) frames.add(f);
    }
    return { types: [...types].sort(), frames: [...frames].sort() };
  }
}
