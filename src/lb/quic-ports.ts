import { portOf } from './listen-address.js';
import type { LbConfig, QuicListener } from './model.js';

/** the UDP port QUIC is served on when nothing else is said (HTTP/3, RFC 9114 §3.1) */
export const DEFAULT_QUIC_PORTS: readonly number[] = [443];

/** A listener `lb check` does not judge, and why. */
export interface SkippedListener {
  listener: QuicListener;
  reason: string;
}

/** what says a listener is itself QUIC, whatever its port; undefined for a plain UDP forwarder */
export function saysQuic(l: QuicListener): string | undefined {
  if (l.kind === 'quic-lb') return 'a QUIC-LB listener';
  if (l.terminates) return 'it terminates QUIC';
  return l.saysQuic;
}

/**
 * Which listeners can carry QUIC, so their verdicts mean something: a listener that is
 * QUIC by its own words (it terminates QUIC, it is QUIC-LB, its name says quic), a UDP
 * listener on one of `ports`, or one a replayed capture's QUIC connections reached. The
 * rest (DNS on 53, syslog on 514) are skipped, each with why.
 */
export function splitByQuicPort(
  configs: readonly LbConfig[],
  ports: readonly number[],
  reached: ReadonlySet<string> = new Set(),
): { configs: LbConfig[]; skipped: SkippedListener[] } {
  const skipped: SkippedListener[] = [];
  const judged = configs.map((c) => ({
    ...c,
    listeners: c.listeners.filter((l) => {
      if (saysQuic(l) || reached.has(l.listen)) return true;
      const port = portOf(l.listen);
      if (port !== undefined && ports.includes(port)) return true;
      const given = ports.length === 1 ? `port ${ports[0]}` : `ports ${ports.join(', ')}`;
      skipped.push({
        listener: l,
        reason:
          port === undefined
            ? `a UDP listener whose port the config does not give; QUIC is judged on ${given} (--quic-port)`
            : `a UDP listener on port ${port}, not a QUIC port: QUIC is judged on ${given}; add --quic-port ${port} if QUIC runs there`,
      });
      return false;
    }),
  }));
  return { configs: judged, skipped };
}
