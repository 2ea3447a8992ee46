import type { AmplificationBudget } from '../audit-amplification.js';
import type { Connection, Role } from '../connection.js';
import { unreadReason, type Finding } from '../finding.js';
import type { HandshakeSummary } from '../handshake-timeline.js';
import type { Leg, Migration } from '../migrations.js';
import type { StreamsReport } from '../streams/stream-types.js';
import type { ZeroRttStatus } from '../zero-rtt.js';
import type { CaseEvidence } from './case-evidence.js';
import type { CaseVerdict, TestCaseName } from './test-cases.js';

/** What the test cases read: the analyses' results for the connections of one capture. */
export interface CaseInputs {
  connections: readonly Connection[];
  evidence(c: Connection): CaseEvidence;
  handshake(c: Connection): HandshakeSummary;
  zeroRtt(c: Connection): ZeroRttStatus;
  migrations(c: Connection): Migration[];
  legs(c: Connection): Leg[];
  streams?(c: Connection): StreamsReport;
  amplification?(c: Connection): AmplificationBudget[];
  findings: readonly Finding[];
}

interface Condition {
  reason: string;
  frames: number[];
}

/**
 * The conditions of one rule as they are checked: each holds (proven), is broken (proven),
 * or cannot be judged (unknown). A rule fails on any broken condition, else is unknown on
 * any unjudged one, else passes; the reason lists the conditions behind the verdict.
 */
export class Judgement {
  private readonly held: Condition[] = [];
  private readonly broken: Condition[] = [];
  private readonly unjudged: Condition[] = [];
  private readonly connections = new Set<number>();

  constructor(private readonly name: TestCaseName) {}

  holds(reason: string, frames: readonly (number | null | undefined)[] = []): this {
    this.held.push({ reason, frames: known(frames) });
    return this;
  }

  breaks(reason: string, frames: readonly (number | null | undefined)[] = []): this {
    this.broken.push({ reason, frames: known(frames) });
    return this;
  }

  unknown(reason: string, frames: readonly (number | null | undefined)[] = []): this {
    this.unjudged.push({ reason, frames: known(frames) });
    return this;
  }

  /** a condition that is true, false or not known (null) */
  check(value: boolean | null, yes: string, no: string, unknownWhy: string, frames: readonly (number | null | undefined)[] = []): this {
    if (value === true) return this.holds(yes, frames);
    if (value === false) return this.breaks(no, frames);
    return this.unknown(unknownWhy, frames);
  }

  about(conns: readonly Connection[]): this {
    for (const c of conns) this.connections.add(c.id);
    return this;
  }

  get failed(): boolean {
    return this.broken.length > 0;
  }

  verdict(): CaseVerdict {
    const behind = this.broken.length > 0 ? this.broken : this.unjudged.length > 0 ? this.unjudged : this.held;
    const frames = [...new Set(behind.flatMap((c) => c.frames))].sort((a, b) => a - b);
    return {
      case: this.name,
      verdict: this.broken.length > 0 ? 'fail' : this.unjudged.length > 0 ? 'unknown' : 'pass',
      reason: behind.map((c) => c.reason).join('; ') || 'nothing to judge',
      frames,
      connections: [...this.connections].sort((a, b) => a - b),
    };
  }
}

function known(frames: readonly (number | null | undefined)[]): number[] {
  return frames.filter((f): f is number => typeof f === 'number');
}

/** the other side */
export function peerOf(side: Role): Role {
  return side === 'client' ? 'server' : 'client';
}

/**
 * The runner counts handshakes as the distinct SCIDs of the server's Initial packets
 * (testcase.py, _count_handshakes): the connections that have them, in order, and the
 * record of each SCID's first Initial.
 */
export function handshakesOf(inp: CaseInputs): { count: number; connections: Connection[]; frames: number[] } {
  const scids = new Map<string, number>();
  const connections: Connection[] = [];
  for (const c of inp.connections) {
    const own = inp.evidence(c).serverInitialScids;
    if (own.size > 0) connections.push(c);
    for (const [scid, frame] of own) if (!scids.has(scid)) scids.set(scid, frame);
  }
  return { count: scids.size, connections, frames: [...scids.values()] };
}

/** the runner's first condition of most cases: exactly `wanted` handshakes */
export function expectHandshakes(j: Judgement, inp: CaseInputs, wanted: number): Connection[] {
  const h = handshakesOf(inp);
  const what = (n: number) => `${n} handshake${n === 1 ? '' : 's'}`;
  if (h.count === wanted) j.holds(`${what(h.count)} (distinct server Initial SCIDs)`, h.frames);
  else if (h.count === 0) j.breaks(`no server Initial: no handshake, ${wanted} expected`);
  else j.breaks(`${what(h.count)} (distinct server Initial SCIDs), ${wanted} expected`, h.frames);
  j.about(h.connections);
  return h.connections;
}

/** the client's handshake completed (our stand-in for the runner's check of the files downloaded) */
export function expectComplete(j: Judgement, inp: CaseInputs, c: Connection): void {
  const h = inp.handshake(c);
  const at = h.events.find((e) => e.event === 'handshake_complete')?.frame ?? h.events.find((e) => e.event === 'first_1rtt_client')?.frame;
  j.check(h.complete, `connection ${c.id}: handshake complete (${h.facts.complete.reason})`, `connection ${c.id}: the handshake did not complete (${h.facts.complete.reason})`, `connection ${c.id}: whether the handshake completed is unknown: ${h.facts.complete.reason}`, [at]);
}

/** why a side's packets of a type could not be read, when some could not */
export function unreadWhy(e: CaseEvidence, side: Role, type: string): string | null {
  const r = e.unread.get(`${side} ${type}`);
  return r === undefined ? null : unreadReason(r);
}
