import type { PacketRecord } from '../analysis/packet-record.js';
import { formatEndpoint } from '../capture/types.js';
import type { Palette } from './colour.js';
import { StreamingTable, type Column } from './streaming-table.js';

const COLUMNS: Column[] = [
  { title: 'frame', width: 7, align: 'right' },
  { title: 'time', width: 10, align: 'right' },
  { title: 'conn', width: 5, align: 'right' },
  { title: 'dir', width: 4 },
  { title: 'path (client side)', width: 24 },
  { title: 'type', width: 20 },
  { title: 'pn', width: 7, align: 'right' },
  { title: 'dcid', width: 18 },
  { title: 'scid', width: 18 },
  { title: 'len', width: 6, align: 'right' },
  { title: 'decrypted', width: 14 },
];

/** `quiclens packets` as a table: one row per QUIC packet, printed as they come. */
export class PacketTable {
  private readonly table: StreamingTable;

  constructor(
    write: (s: string) => void,
    private readonly colour: Palette,
  ) {
    this.table = new StreamingTable(COLUMNS, write);
    this.table.header(colour.bold);
  }

  add(p: PacketRecord): void {
    const h = p.header;
    const clientSide = p.direction === 'client' ? p.src : p.dst;
    const typeText =
      h.type === 'version_negotiation'
        ? `VN ${h.form === 'long' ? (h.supportedVersions ?? []).length : 0} versions`
        : h.form === 'long' && h.type === 'initial' && h.token && h.token.length > 0
          ? 'initial +token'
          : h.type;
    this.table.row([
      String(p.frame),
      p.time.toFixed(6),
      String(p.connection.id),
      p.direction === 'client' ? 'C→S' : 'S→C',
      formatEndpoint(clientSide),
      typeText,
      p.pn === null ? '' : String(p.pn),
      cid(h.dcid),
      h.form === 'long' ? cid(h.scid) : '',
      String(h.length),
      p.decrypted === true ? this.colour.green('yes') : this.colour.dim(p.decrypted),
    ]);
  }

  end(): void {
    this.table.flush();
  }
}

function cid(b: Buffer): string {
  return b.length === 0 ? '(empty)' : b.toString('hex');
}
