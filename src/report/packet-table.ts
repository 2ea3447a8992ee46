import type { PacketRecord } from '../analysis/packet-record.js';
import { formatEndpoint } from '../capture/types.js';
import { frameSummary } from '../quic/frames/index.js';
import { formatVersion } from '../quic/versions.js';
import type { Palette } from './colour.js';
import { StreamingTable, type Column, type Style } from './streaming-table.js';

/** each column's width, and in a wide table the width of its widest possible value (plus the space after it) */
const COLUMNS: (Column & { wideWidth?: number })[] = [
  { title: 'frame', width: 7, align: 'right', whole: true },
  { title: 'time', width: 10, align: 'right', whole: true },
  { title: 'conn', width: 5, align: 'right', whole: true },
  { title: 'dir', width: 4 },
  // "[" + 39 characters of IPv6 + "]:" + 5 digits
  { title: 'client side', width: 22, wideWidth: 48 },
  // version_negotiation
  { title: 'type', width: 15, wideWidth: 20 },
  { title: 'pn', width: 7, align: 'right', whole: true },
  // a connection ID is at most 20 bytes (RFC 9000 §17.2): 40 hex digits
  { title: 'dcid', width: 13, wideWidth: 41 },
  { title: 'scid', width: 13, wideWidth: 41 },
  { title: 'len', width: 6, align: 'right', whole: true },
];
/** the frames column takes what the terminal has left, and never less than this */
const MIN_FRAMES_WIDTH = 40;

export interface PacketTableOptions {
  /** the terminal's width in cells (undefined: not known; the frames column gets its minimum) */
  terminalColumns?: number;
  /** nothing cut: CIDs, addresses and every frame in full */
  wide?: boolean;
}

/** `quiclens packets` as a table: one row per QUIC packet, written as it comes. */
export class PacketTable {
  private readonly table: StreamingTable;
  /** the frames column's room: summaries past it are not made (wide: no limit) */
  private readonly framesRoom: number;
  private readonly styles: (Style | undefined)[] = [];

  constructor(
    write: (s: string) => void,
    private readonly colour: Palette,
    options: PacketTableOptions = {},
  ) {
    const wide = options.wide === true;
    const columns = COLUMNS.map(({ wideWidth, ...c }) => ({ ...c, width: wide ? (wideWidth ?? c.width) : c.width }));
    const used = columns.reduce((n, c) => n + c.width, 0);
    const frames = Math.max(MIN_FRAMES_WIDTH, (options.terminalColumns ?? 0) - used - 1);
    this.framesRoom = wide ? Infinity : frames - 1;
    this.table = new StreamingTable([...columns, { title: 'frames, or why not decrypted', width: frames }], write, { wide });
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
    const dcidUnlogged = p.unlogged?.includes('dcid') === true;
    const scidUnlogged = h.form === 'long' && p.unlogged?.includes('scid') === true;
    const shown = p.decrypted === true || p.frames.length > 0;
    this.styles[7] = dcidUnlogged ? this.colour.dim : undefined;
    this.styles[8] = scidUnlogged ? this.colour.dim : undefined;
    this.styles[10] = shown ? undefined : this.colour.dim;
    this.table.row([
      String(p.frame),
      p.time.toFixed(6),
      String(p.connection.id),
      p.direction === 'client' ? 'C→S' : 'S→C',
      clientSide ? formatEndpoint(clientSide) : '(not logged)',
      typeText,
      p.pn === null ? '' : String(p.pn),
      dcidUnlogged ? 'not logged' : cid(h.dcid),
      h.form !== 'long' ? '' : scidUnlogged ? 'not logged' : cid(h.scid),
      String(h.length),
      // a plaintext packet with frames (gQUIC's hello) shows them as a decrypted one does
      shown ? framesText(p, this.framesRoom) : notDecryptedText(p),
    ], this.styles);
  }

  /** rows are written as they come: nothing waits for the end (kept for the callers' symmetry) */
  end(): void {}
}

/**
 * The frames' summaries, made only until they fill `room` (a bulk packet's dozens of
 * STREAM frames cost nothing once the column is full); when summaries were left unmade,
 * the text ends with an ellipsis, so a short text never looks complete when it is not.
 */
function framesText(p: PacketRecord, room: number): string {
  if (p.frames.length === 0) return '(no frames)';
  let text = frameSummary(p.frames[0]!);
  for (let i = 1; i < p.frames.length; i++) {
    // four code units per cell more than fill the column (unless the text is mostly zero-width marks: then the ellipsis still says more follows)
    if (text.length > room * 4) return text + ', …';
    text += ', ' + frameSummary(p.frames[i]!);
  }
  return text;
}

function notDecryptedText(p: PacketRecord): string {
  if (p.retryIntegrity) return `retry tag ${p.retryIntegrity}`;
  if (p.header.type === 'version_negotiation') return 'versions ' + (p.header.form === 'long' ? (p.header.supportedVersions ?? []).map(formatVersion).join(' ') : '');
  return p.decrypted === true ? '' : p.decrypted;
}

function cid(b: Buffer): string {
  return b.length === 0 ? '(empty)' : b.toString('hex');
}
