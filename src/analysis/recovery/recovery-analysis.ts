import type { Connection } from '../connection.js';
import type { PacketRecord } from '../packet-record.js';
import type { PacketFates } from './packet-fates.js';
import { PN_SPACES } from './pn-space.js';
import type { FlightSample, LossEvent, RttSample } from './recovery-events.js';
import { gapVerdicts, recoveryReport, type ConnectionRecoveryReport } from './recovery-report.js';
import { RecoveryTracker } from './recovery-tracker.js';
import { HandshakeMoments } from './handshake-split.js';

/** at most this many events of each kind are kept per connection; counts stay exact */
export const MAX_EVENTS = 10_000;

/**
 * The recovery analysis a session exposes (`session.recovery`): per connection, the losses,
 * RTT samples and bytes in flight the capture shows, and a report of them. Fed every packet;
 * read once the inputs are done.
 */
export class RecoveryAnalysis {
  private readonly tracker = new RecoveryTracker();
  private readonly moments = new HandshakeMoments();

  constructor(private readonly fates: PacketFates) {}

  observe(packet: PacketRecord): void {
    this.tracker.observe(packet);
    if (!packet.connection.log) this.moments.observe(packet);
  }

  /** losses after the capture point and before it, by the time the capture first showed each */
  losses(conn: Connection): LossEvent[] {
    const st = this.tracker.get(conn);
    if (!st) return [];
    const before = (['client', 'server'] as const).flatMap((r) =>
      PN_SPACES.flatMap((s) => gapVerdicts(st, this.fates, r, s, MAX_EVENTS).events),
    );
    return [...st.losses.items, ...before].sort((a, b) => a.detectedAt - b.detectedAt || a.pn - b.pn).slice(0, MAX_EVENTS);
  }

  rttSamples(conn: Connection): RttSample[] {
    return this.tracker.get(conn)?.rttSamples.items ?? [];
  }

  flight(conn: Connection): FlightSample[] {
    return this.tracker.get(conn)?.flight.items ?? [];
  }

  /** null for a connection read from a log, or with no packet numbers read */
  report(conn: Connection): ConnectionRecoveryReport | null {
    const st = this.tracker.get(conn);
    if (!st) return null;
    const r = recoveryReport(conn, st, this.fates);
    const [c, s] = r.directions;
    r.handshake = this.moments.split(conn, c?.rtt?.minMs, s?.rtt?.minMs);
    return r;
  }
}
