import type { PacketRecord } from '../analysis/packet-record.js';
import { formatEndpoint } from '../capture/types.js';
import { frameSummary } from '../quic/frames/index.js';
import { formatVersion } from '../quic/versions.js';
import type { Palette } from './colour.js';
import { StreamingTable, type Column } from './streaming-table.js';

const COLUMNS: Column[] = [
  { title: 'frame', width: 7, align: 'right' },
  { title: 'time', width: 10, align: 'right' },
  { title: 'conn', width: 5, align: 'right' },
  { title: 'dir', width: 4 },
  { title: 'client side', width: 22 },
  { title: 'type', width: 15 },
  { title: 'pn', width: 7, align: 'right' },
  { title: 'dcid', width: 13 },
  { title: 'scid', width: 13 },
  { title: 'len', width: 6, align: 'right' },
];
/** the frames column takes what the terminal has left, and never less than this */
const MIN_FRAMES_WIDTH = 40;

/** `quiclens packets` as a table: one row per QUIC packet, printed as they come. */
export class PacketTable {
  private readonly table: StreamingTable;

  constructor(
    write: (s: string) => void,
    private readonly colour: Palette,
    terminalColumns?: number,
  ) {
    const used = COLUMNS.reduce((n, c) => n + c.width, 0);
    const frames = Math.max(MIN_FRAMES_WIDTH, (terminalColumns ?? 0) - used - 1);
    this.table = new StreamingTable([...COLUMNS, { title: 'frames, or why not decrypted', width: frames }], write);
    this.table.header(colour.bold);
  }

  add(p: PacketRecord): void {
    const h = p.header;
    const clientSide = p.direction === 'client' ? p.src : p.dst;
    const typeText =
      h.form === 'long' && h.type === 'initial' && h.token && h.token.length > 0
        ? 'initial +token'
        : h.form === 'short' && p.keyPhase !== null
          ? `1RTT k${p.keyPhase}`
          : h.type;
    this.table.row([
      String(p.frame),
      p.time.toFixed(6),
      String(p.connection.id),
      p.direction === 'client' ? 'C→S' : 'S→C',
      clientSide ? formatEndpoint(clientSide) : '(not logged)',
      typeText,
      p.pn === null ? '' : String(p.pn),
      p.unlogged?.includes('dcid') ? this.colour.dim('not logged') : cid(h.dcid),
      h.form !== 'long' ? '' : p.unlogged?.includes('scid') ? this.colour.dim('not logged') : cid(h.scid),
      String(h.length),
      // a plaintext packet with frames (gQUIC's hello) shows them as a decrypted one does
      p.decrypted === true || p.frames.length > 0 ? framesText(p) : this.colour.dim(notDecryptedText(p)),
    ]);
  }

  end(): void {
    this.table.flush();
  }
}

function framesText(p: PacketRecord): string {
  return p.frames.length === 0 ? '(no frames)' : p.frames.map(frameSummary).join(', ');
}

function notDecryptedText(p: PacketRecord): string {
  if (p.retryIntegrity) return `retry tag ${p.retryIntegrity}`;
  if (p.header.type === 'version_negotiation') return 'versions ' + (p.header.form === 'long' ? (p.header.supportedVersions ?? []).map(formatVersion).join(' ') : '');
  return p.decrypted === true ? '' : p.decrypted;
}

function cid(b: Buffer): string {
  return b.length === 0 ? '(empty)' : b.toString('hex');
}
