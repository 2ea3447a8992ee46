import { decodeFieldSection } from '../http3/field-section.js';
import { Http3FrameReader } from '../http3/frames.js';
import { QpackDynamicTable } from '../http3/qpack-dynamic-table.js';
import type { Frame } from '../quic/frames/index.js';
import { StreamCoverage } from '../quic/stream-coverage.js';
import { StreamReassembler } from '../quic/stream-reassembler.js';
import { ByteReader } from '../wire/byte-reader.js';
import { WireError } from '../wire/wire-error.js';
import type { Connection, Role } from './connection.js';

/** One HTTP/3 request and its response (RFC 9114 §4), as far as the capture shows it. */
export interface Http3Request {
  stream: number;
  method?: string;
  scheme?: string;
  authority?: string;
  path?: string;
  status?: number;
  requestBodyBytes: number;
  /** DATA bytes of the response read in order: after a byte the capture lacks, none are counted */
  responseBodyBytes: number;
  /** the response's content-length field (RFC 9110 §8.6), when it sent one */
  contentLength: number | null;
  /**
   * whether the capture holds the whole response: its stream seen from byte 0 to its end
   * (FIN, RFC 9000 §4.5) with no byte missing. When false, `incomplete` says what is missing,
   * and `responseBodyBytes` is only what the capture showed, not the response's size.
   */
  responseComplete: boolean;
  /** the server's bytes on the stream the capture held, and the stream's final size once a FIN or RESET_STREAM gave it */
  responseStreamBytes: { seen: number; finalSize: number | null };
  /** why the response is not complete, in words */
  incomplete?: string;
  /** the request's first bytes travelled in 0-RTT (replayable: RFC 9114 §10.9) */
  zeroRtt: boolean;
  /** the frame (record) of the request's first bytes */
  frame: number;
  /** header references the capture cannot resolve (dynamic-table entries never seen) */
  unresolved?: string[];
  /**
   * HEADERS whose field section does not decode (a Huffman string that is not valid, RFC 7541
   * Appendix B; a section cut short inside its frame): which side's, the packet, and what was
   * wrong. The fields it would have given stay unknown; the rest of the stream is still read.
   */
  problems?: string[];
}

/** at most this many decode problems are kept per request: a broken stream can repeat one per frame */
const MAX_PROBLEMS = 8;

/** RFC 9114 §6.2: the first varint of a unidirectional stream says what it carries */
type UniRole = 'control' | 'push' | 'qpack_encoder' | 'qpack_decoder' | 'reserved' | 'unknown';
const UNI_ROLES: Record<number, UniRole> = { 0x00: 'control', 0x01: 'push', 0x02: 'qpack_encoder', 0x03: 'qpack_decoder' };

/** SETTINGS_QPACK_MAX_TABLE_CAPACITY (RFC 9204 §5) */
const QPACK_MAX_TABLE_CAPACITY = 0x01;

interface StreamState {
  bytes: StreamReassembler;
  /** which bytes the capture held, in or out of order, and the final size */
  coverage: StreamCoverage;
  /** a RESET_STREAM ended it (RFC 9000 §19.4) */
  reset: boolean;
  /** a unidirectional stream before its type was read: null; a request stream: 'request' */
  role: UniRole | 'request' | null;
  frames: Http3FrameReader;
  pending: Buffer;
}

/**
 * Follows the HTTP/3 streams of one connection: stream roles, control-stream SETTINGS, the
 * QPACK encoder streams (each side's dynamic table), and requests on the client's
 * bidirectional streams.
 */
export class Http3Requests {
  readonly requests = new Map<number, Http3Request>();
  private readonly streams = new Map<string, StreamState>();
  private readonly tables = { client: new QpackDynamicTable(), server: new QpackDynamicTable() };
  /** each side's announced QPACK_MAX_TABLE_CAPACITY: the bound its peer encodes against */
  private readonly maxCapacity = { client: 0, server: 0 };
  /** field sections waiting for encoder-stream inserts not seen yet */
  private readonly blocked: { from: Role; stream: number; block: Buffer; frame: number }[] = [];

  streamFrame(f: Frame & { type: 'stream' }, from: Role, packetType: string, frame: number): void {
    const s = this.stream(from, f.stream_id);
    s.coverage.add(f.offset, f.length, f.fin);
    const isClientBidi = (f.stream_id & 0x03) === 0;
    if (isClientBidi && from === 'client' && !this.requests.has(f.stream_id)) {
      this.requests.set(f.stream_id, {
        stream: f.stream_id,
        requestBodyBytes: 0,
        responseBodyBytes: 0,
        contentLength: null,
        responseComplete: false,
        responseStreamBytes: { seen: 0, finalSize: null },
        zeroRtt: packetType === '0RTT',
        frame,
      });
    }
    const fresh = s.bytes.push(f.offset, f.raw);
    if (fresh.length > 0) this.consume(s, from, f.stream_id, fresh, frame);
  }

  /** RESET_STREAM (RFC 9000 §19.4): the sender abandoned the stream at its final size */
  resetStream(f: Frame & { type: 'reset_stream' }, from: Role): void {
    const s = this.stream(from, f.stream_id);
    s.reset = true;
    s.coverage.finalSize = f.final_size;
  }

  /**
   * what a stream carries (RFC 9114 §6): `request` for a bidirectional one, the type a
   * unidirectional one announced, null while its type was not read
   */
  roleOf(id: number): UniRole | 'request' | null {
    const from = (id & 0x01) === 0 ? 'client' : 'server';
    return this.streams.get(`${from}/${id}`)?.role ?? ((id & 0x02) === 0 ? 'request' : null);
  }

  /** each request with what the capture held of its response */
  list(): Http3Request[] {
    for (const req of this.requests.values()) this.judgeResponse(req);
    return [...this.requests.values()];
  }

  /**
   * A response is complete only when its stream was seen from byte 0 to its FIN. A capture
   * that missed packets (a kernel-drop burst, a gap) holds less: that is said, with what is
   * missing, never passed off as a short response.
   */
  private judgeResponse(req: Http3Request): void {
    const s = this.streams.get(`server/${req.stream}`);
    const cov = s?.coverage;
    req.responseStreamBytes = { seen: cov?.seen ?? 0, finalSize: cov?.finalSize ?? null };
    req.responseComplete = false;
    delete req.incomplete;
    // the body's length as content-length gives it, beside what was read in order
    const body = req.contentLength === null ? '' : `; ${req.responseBodyBytes} of ${req.contentLength} body bytes (content-length) read`;
    if (!s || !cov || (cov.seen === 0 && cov.finalSize === null)) {
      req.incomplete = 'no response bytes in the capture';
    } else if (s.reset) {
      req.incomplete = `the server reset the stream (RESET_STREAM) at byte ${cov.finalSize}${body}`;
    } else if (cov.finalSize === null) {
      req.incomplete = `no end of the response stream (FIN) in the capture: ${cov.seen} of its bytes seen${body}`;
    } else if (s.bytes.offset < cov.finalSize) {
      const missing = cov.finalSize - cov.seen;
      req.incomplete = `the capture lacks ${cov.exact ? missing : `up to ${missing}`} of the response stream's ${cov.finalSize} bytes, from byte ${cov.firstMissing}${body}`;
    } else {
      req.responseComplete = true;
    }
  }

  private stream(from: Role, id: number): StreamState {
    const key = `${from}/${id}`;
    let s = this.streams.get(key);
    if (!s) {
      const bidi = (id & 0x02) === 0;
      // the stream's bytes are read as views: the frame reader, QPACK and the stream-type read copy what they keep
      s = { bytes: new StreamReassembler(undefined, true), coverage: new StreamCoverage(), reset: false, role: bidi ? 'request' : null, frames: new Http3FrameReader(), pending: Buffer.alloc(0) };
      this.streams.set(key, s);
    }
    return s;
  }

  /** `frame`: the packet whose bytes completed what is read now */
  private consume(s: StreamState, from: Role, stream: number, bytes: Buffer, frame: number): void {
    if (s.role === null) {
      const all = s.pending.length ? Buffer.concat([s.pending, bytes]) : bytes;
      const r = new ByteReader(all);
      try {
        const code = r.varintBig('a stream type');
        s.role = code <= 0x03n ? UNI_ROLES[Number(code)]! : (code - 0x21n) % 0x1fn === 0n && code >= 0x21n ? 'reserved' : 'unknown';
      } catch {
        s.pending = Buffer.from(all);
        return;
      }
      bytes = all.subarray(r.offset);
    }
    switch (s.role) {
      case 'qpack_encoder':
        this.tables[from].encoderInstructions(bytes);
        this.retryBlocked();
        return;
      case 'control':
        for (const ev of s.frames.push(bytes)) if (ev.kind === 'frame' && ev.type === 'settings') this.settings(from, ev.payload);
        return;
      case 'request':
        for (const ev of s.frames.push(bytes)) {
          const req = this.requests.get(stream);
          if (!req) continue;
          if (ev.kind === 'data') {
            if (from === 'client') req.requestBodyBytes += ev.bytes;
            else req.responseBodyBytes += ev.bytes;
          } else if (ev.type === 'headers') this.headers(from, stream, ev.payload, frame);
        }
        return;
      default:
        return;
    }
  }

  private settings(from: Role, payload: Buffer): void {
    const r = new ByteReader(payload);
    try {
      while (!r.atEnd) {
        const id = r.varint('a setting id');
        const value = r.varint('a setting value');
        if (id === QPACK_MAX_TABLE_CAPACITY) this.maxCapacity[from] = value;
      }
    } catch {
      // a malformed SETTINGS frame: keep what was read
    }
  }

  private headers(from: Role, stream: number, block: Buffer, frame: number, retry = false): void {
    const peer = from === 'client' ? 'server' : 'client';
    const req = this.requests.get(stream)!;
    let section;
    try {
      section = decodeFieldSection(block, this.tables[from], this.maxCapacity[peer]);
    } catch (err) {
      // the HEADERS frame is whole (the frame reader gave all its bytes), so a decode error is
      // bad bytes, not missing ones: said on the request, and its fields stay unknown
      if (!(err instanceof WireError)) throw err;
      const problems = (req.problems ??= []);
      if (problems.length < MAX_PROBLEMS) {
        problems.push(`${from === 'client' ? 'request' : 'response'} HEADERS on stream ${stream} (frame ${frame}) does not decode: ${err.message}, at byte ${err.offset} of its field section`);
      }
      return;
    }
    if (section.unresolved.length > 0 && !retry) {
      this.blocked.push({ from, stream, block, frame });
      if (this.blocked.length > 64) this.blocked.shift();
    }
    for (const [name, value] of section.fields) {
      if (from === 'client') {
        if (name === ':method') req.method = value;
        if (name === ':scheme') req.scheme = value;
        if (name === ':authority') req.authority = value;
        if (name === ':path') req.path = value;
      } else if (name === ':status') req.status = Number(value);
      else if (name === 'content-length' && /^\d+$/.test(value)) req.contentLength = Number(value);
    }
    if (section.unresolved.length > 0) req.unresolved = section.unresolved;
    else delete req.unresolved;
  }

  /** field sections that referenced inserts not yet seen: try again now that more arrived */
  private retryBlocked(): void {
    for (const b of this.blocked.splice(0)) this.headers(b.from, b.stream, b.block, b.frame, true);
  }
}

/** the HTTP/3 state of each connection speaking h3 */
export class Http3Tracker {
  private readonly byConnection = new Map<Connection, Http3Requests>();

  frames(conn: Connection, frames: Frame[], from: Role, packetType: string, frame: number): void {
    if (!speaksH3(conn)) return;
    let h = this.byConnection.get(conn);
    for (const f of frames) {
      if (f.type !== 'stream' && f.type !== 'reset_stream') continue;
      if (!h) this.byConnection.set(conn, (h = new Http3Requests()));
      if (f.type === 'stream') h.streamFrame(f, from, packetType, frame);
      else h.resetStream(f, from);
    }
  }

  requests(conn: Connection): Http3Request[] {
    return this.byConnection.get(conn)?.list() ?? [];
  }

  /** what a stream of an HTTP/3 connection carries; null when the connection does not speak HTTP/3 or the type was not read */
  roleOf(conn: Connection, id: number): ReturnType<Http3Requests['roleOf']> {
    return this.byConnection.get(conn)?.roleOf(id) ?? null;
  }
}

/** HTTP/3 is what the server chose, or (before its answer) what the client offered first */
function speaksH3(conn: Connection): boolean {
  const chosen = conn.tls.encryptedExtensions?.alpn ?? conn.tls.clientHello?.alpn[0];
  return chosen !== undefined && /^h3(-|$)/.test(chosen);
}
