import { attemptOf, type Connection, type Role } from './connection.js';
import type { PacketRecord } from './packet-record.js';

/** A packet as the crosscheck names it: where it is (capture frame or log record) and what it was. */
export interface PacketRef {
  /** the capture's frame, or the log's record number */
  at: number;
  type: string;
  pn: number;
}

export interface FieldMismatch {
  pn: number;
  space: string;
  /** the capture's frame and the log's record */
  frame: number;
  record: number;
  field: 'type' | 'frames' | 'length';
  wire: string;
  logged: string;
}

/** One endpoint log held against the capture. */
export interface LogCrosscheck {
  file: string;
  vantage: Role;
  /** the captured connection the log belongs to; null when none matched */
  connection: number | null;
  sent: { logged: number; onWire: number };
  received: { logged: number; onWire: number };
  /** sent by the writer and received by its peer (whose log says so), but not in the capture: the capture dropped it (tcpdump's "dropped by kernel") */
  missingFromCapture: PacketRef[];
  /** sent by the writer, not in the capture, and not logged by its peer: lost before the capture point, or never sent (an endpoint's simulated loss) */
  lostBeforeCapture: PacketRef[];
  /** on the wire from the writer but not in its log: Retry and Version Negotiation are sent before a connection (and its log) exists */
  unloggedOnWire: (PacketRef & { explained?: string })[];
  /** on the wire towards the writer but never logged as received (dropped by its kernel, or after its log ended) */
  notLoggedAsReceived: (PacketRef & { explained?: string })[];
  /** logged packets in a space where the capture could not be opened (no key log for it): neither found nor missed */
  unchecked: number;
  mismatches: FieldMismatch[];
  /**
   * how many of each there are: the lists above hold the first LISTED of each, so that a
   * log of millions of packets against the wrong capture cannot fill memory with examples
   */
  counts: {
    missingFromCapture: number;
    lostBeforeCapture: number;
    unloggedOnWire: number;
    /** of unloggedOnWire, those the capture does not explain */
    unexplainedUnlogged: number;
    notLoggedAsReceived: number;
    /** of notLoggedAsReceived, those the capture explains */
    explainedNotReceived: number;
    mismatches: number;
  };
}

/** examples kept per kind of disagreement; the counts say how many there are */
export const LISTED = 1000;

function keep<T>(list: T[], item: T): void {
  if (list.length < LISTED) list.push(item);
}

interface WirePacket {
  frame: number;
  type: string;
  frames: string;
  length: number;
}

/** 0-RTT and 1-RTT share the application packet number space (RFC 9000 §12.3) */
function space(type: string): string {
  return type === '0RTT' || type === '1RTT' ? 'application' : type;
}

const SPACES = ['initial', 'handshake', 'application'] as const;

/**
 * A packet's identity, sender, number space and number, as one number: millions of these
 * are held against each other, and numbers cost far less than strings (packet numbers stay
 * below 2^50 in practice, so ×8 stays exact)
 */
function key(direction: Role, type: string, pn: number): number {
  const sp = SPACES.indexOf(space(type) as (typeof SPACES)[number]);
  return pn * 8 + Math.max(sp, 0) * 2 + (direction === 'client' ? 0 : 1);
}

function keyParts(k: number): { direction: Role; space: string; pn: number } {
  return { direction: k % 2 === 0 ? 'client' : 'server', space: SPACES[Math.floor(k / 2) % 4] ?? 'initial', pn: Math.floor(k / 8) };
}

/** the frame types of a packet in order, one shared string per combination */
const frameTexts = new Map<string, string>();
function frameTypes(p: PacketRecord): string | null {
  if (p.decrypted !== true) return null;
  const text = p.frames.map((f) => f.type).join(',');
  let shared = frameTexts.get(text);
  if (shared === undefined) {
    shared = text;
    if (frameTexts.size < 10_000) frameTexts.set(text, text);
  }
  return shared;
}
const UNNUMBERED = new Set(['retry', 'version_negotiation', 'stateless_reset']);

/**
 * One attempt of a captured connection: what one endpoint log covers. A client that Version
 * Negotiation sent back starts a new attempt (RFC 9000 §6.2) with new CIDs and packet
 * numbers from 0, and its endpoints log each attempt apart; quiclens joins them into one
 * connection, so the wire is held against the logs attempt by attempt.
 */
export interface WireAttempt {
  connection: Connection;
  attempt: number;
  /** the DCID of the attempt's first client Initial: the logs' group_id */
  originalDcid: string | null;
}

/** What the capture shows, kept per connection attempt by packet number for the logs to be held against. */
export class WireIndex {
  private readonly attempts = new Map<Connection, WireAttempt[]>();
  private readonly byConnection = new Map<WireAttempt, Map<number, WirePacket>>();
  /** packets without a number (Retry, Version Negotiation) per attempt and sender */
  private readonly unnumbered = new Map<WireAttempt, { direction: Role; frame: number; type: string }[]>();
  /** per attempt, the senders and spaces with packets that could not be opened: "client handshake" */
  private readonly unopened = new Map<WireAttempt, Set<string>>();

  /**
   * @param wanted the original DCIDs of the connections some log names: only those are kept,
   * so a large capture costs memory only for the connections being checked
   */
  constructor(private readonly wanted?: ReadonlySet<string>) {}

  add(p: PacketRecord): void {
    if (this.wanted && !this.wanted.has(p.connection.originalDcid ?? '')) return;
    const at = this.attemptOfPacket(p);
    if (p.pn === null && !UNNUMBERED.has(p.header.type) && !p.statelessReset) {
      // no keys for it: what the logs say of this space cannot be checked
      const set = this.unopened.get(at) ?? new Set<string>();
      this.unopened.set(at, set.add(`${p.direction} ${space(p.header.type)}`));
      return;
    }
    if (p.pn === null) {
      if (UNNUMBERED.has(p.header.type) || p.statelessReset) {
        const list = this.unnumbered.get(at) ?? [];
        list.push({ direction: p.direction, frame: p.frame, type: p.statelessReset ? 'stateless_reset' : p.header.type });
        this.unnumbered.set(at, list);
      }
      return;
    }
    let m = this.byConnection.get(at);
    if (!m) this.byConnection.set(at, (m = new Map()));
    const k = key(p.direction, p.header.type, p.pn);
    // a capture on a proxy sees each packet twice: the first copy stands
    if (!m.has(k)) m.set(k, { frame: p.frame, type: p.header.type, frames: frameTypes(p) ?? '', length: p.header.length });
  }

  /** the attempt a packet belongs to: its connection's current one as the packet passes */
  private attemptOfPacket(p: PacketRecord): WireAttempt {
    const list = this.attempts.get(p.connection) ?? [];
    let last = list.at(-1);
    if (!last || last.attempt !== attemptOf(p.connection)) {
      list.push((last = { connection: p.connection, attempt: attemptOf(p.connection), originalDcid: p.connection.originalDcid }));
      this.attempts.set(p.connection, list);
    }
    return last;
  }

  connections(): WireAttempt[] {
    return [...this.attempts.values()].flat();
  }

  packets(c: WireAttempt): Map<number, WirePacket> {
    return this.byConnection.get(c) ?? new Map();
  }

  unnumberedOf(c: WireAttempt): { direction: Role; frame: number; type: string }[] {
    return this.unnumbered.get(c) ?? [];
  }

  /** whether the capture holds packets of this sender and space that could not be opened */
  unopenedIn(c: WireAttempt, direction: Role, type: string): boolean {
    return this.unopened.get(c)?.has(`${direction} ${space(type)}`) ?? false;
  }
}

/** One log's packets, by what it says it sent and received. */
export class LoggedIndex {
  readonly sent = new Map<number, { record: number; type: string; pn: number; frames: string | null; length: number }>();
  readonly received = new Set<number>();

  constructor(
    readonly file: string,
    readonly vantage: Role,
    readonly connection: Connection,
  ) {}

  add(p: PacketRecord): void {
    if (p.pn === null) return;
    const k = key(p.direction, p.header.type, p.pn);
    if (p.direction === this.vantage) this.sent.set(k, { record: p.frame, type: p.header.type, pn: p.pn, frames: frameTypes(p), length: p.header.length });
    else this.received.add(k);
  }
}

/**
 * The captured connection a log belongs to: the one with the same original DCID (a log's
 * group_id, or the server's original_destination_connection_id after a Retry, see
 * LoggedPackets).
 */
export function twinOf(wire: WireIndex, logged: Connection): WireAttempt | undefined {
  return logged.originalDcid === null ? undefined : wire.connections().find((c) => c.originalDcid === logged.originalDcid);
}

/**
 * Holds one endpoint log against the capture: what the endpoint sent that the wire does not
 * show, what the wire shows that it did not log, and where both have a packet, whether they
 * agree on its type, frames and length. `peer` is the other endpoint's log of the same
 * connection, when given: a packet it received that the capture lacks was dropped by the
 * capture, not by the network.
 */
export function crosscheckLog(wire: WireIndex, log: LoggedIndex, twin: WireAttempt | undefined, peer?: LoggedIndex): LogCrosscheck {
  const out: LogCrosscheck = {
    file: log.file,
    vantage: log.vantage,
    connection: twin?.connection.id ?? null,
    sent: { logged: log.sent.size, onWire: 0 },
    received: { logged: log.received.size, onWire: 0 },
    missingFromCapture: [],
    lostBeforeCapture: [],
    unloggedOnWire: [],
    notLoggedAsReceived: [],
    unchecked: 0,
    mismatches: [],
    counts: { missingFromCapture: 0, lostBeforeCapture: 0, unloggedOnWire: 0, unexplainedUnlogged: 0, notLoggedAsReceived: 0, explainedNotReceived: 0, mismatches: 0 },
  };
  const c = out.counts;
  if (!twin) return out;
  const packets = wire.packets(twin);
  // where the log stops in each space: later packets on the wire came after it was cut off
  const lastLogged = new Map<string, number>();
  for (const l of log.sent.values()) lastLogged.set(space(l.type), Math.max(lastLogged.get(space(l.type)) ?? -1, l.pn));
  const lastReceived = new Map<string, number>();
  for (const k of log.received) {
    const { space: sp, pn } = keyParts(k);
    lastReceived.set(sp, Math.max(lastReceived.get(sp) ?? -1, pn));
  }
  for (const [k, w] of packets) {
    const { direction, pn } = keyParts(k);
    const ref = { at: w.frame, type: w.type, pn };
    if (direction === log.vantage) {
      out.sent.onWire++;
      const l = log.sent.get(k);
      if (!l) {
        const after = ref.pn > (lastLogged.get(space(w.type)) ?? -1);
        c.unloggedOnWire++;
        if (!after) c.unexplainedUnlogged++;
        keep(out.unloggedOnWire, after ? { ...ref, explained: "sent after the log's last record (the endpoint stopped writing it)" } : ref);
        continue;
      }
      const mismatch = (field: FieldMismatch['field'], a: string, b: string) => {
        c.mismatches++;
        keep(out.mismatches, { pn: ref.pn, space: space(w.type), frame: w.frame, record: l.record, field, wire: a, logged: b });
      };
      if (l.type !== w.type) mismatch('type', w.type, l.type);
      if (l.frames !== null && w.frames !== '' && l.frames !== w.frames) mismatch('frames', w.frames, l.frames);
      if (l.length > 0 && w.length > 0 && l.length !== w.length) mismatch('length', String(w.length), String(l.length));
    } else {
      out.received.onWire++;
      if (log.received.has(k)) continue;
      // a server answers a client's first Initial with a Retry statelessly (RFC 9000 §8.1.2): no connection's log holds it
      const retry = wire.unnumberedOf(twin).find((u) => u.type === 'retry');
      const beforeRetry = retry !== undefined && w.type === 'initial' && w.frame < retry.frame;
      const afterLog = ref.pn > (lastReceived.get(space(w.type)) ?? -1);
      c.notLoggedAsReceived++;
      if (beforeRetry || afterLog) c.explainedNotReceived++;
      keep(
        out.notLoggedAsReceived,
        beforeRetry
          ? { ...ref, explained: 'answered with a Retry before the connection existed' }
          : afterLog
            ? { ...ref, explained: "arrived after the log's last record (the endpoint stopped writing it)" }
            : ref,
      );
    }
  }
  for (const u of wire.unnumberedOf(twin)) {
    if (u.direction !== log.vantage) continue;
    c.unloggedOnWire++;
    keep(out.unloggedOnWire, { at: u.frame, type: u.type, pn: -1, explained: `a ${u.type === 'retry' ? 'Retry' : u.type === 'version_negotiation' ? 'Version Negotiation' : 'stateless reset'} is sent without connection state, so no connection's log holds it` });
  }
  for (const [k, l] of log.sent) {
    if (packets.has(k)) continue;
    if (wire.unopenedIn(twin, log.vantage, l.type)) {
      out.unchecked++;
      continue;
    }
    const ref = { at: l.record, type: l.type, pn: l.pn };
    if (peer?.received.has(k)) {
      c.missingFromCapture++;
      keep(out.missingFromCapture, ref);
    } else {
      c.lostBeforeCapture++;
      keep(out.lostBeforeCapture, ref);
    }
  }
  return out;
}

/** a disagreement the capture does not explain: packets on the wire the sender never logged (but Retry and VN), fields that differ */
export function unexplained(c: LogCrosscheck): number {
  return c.counts.mismatches + c.counts.unexplainedUnlogged + (c.connection === null ? 1 : 0);
}
