import type { Role } from '../analysis/connection.js';
import type { HandshakeSummary } from '../analysis/handshake-timeline.js';
import type { LossEvent } from '../analysis/recovery/recovery-events.js';
import type { DeclaredLoss } from '../analysis/recovery/logged-recovery.js';

/**
 * Losses in plain words for `timeline --explain`: what was lost, where (after the capture
 * point, or before it), what showed it, and how the sender recovered. For people learning
 * QUIC: a lost packet is never sent again as such; its frames go into a new packet with a new
 * number (RFC 9002 §2, §6).
 */

const other = (r: Role): Role => (r === 'client' ? 'server' : 'client');
const bytes = (n: number) => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;

/**
 * The packet type to name: the space says Initial or Handshake; in the application space a
 * packet is 1-RTT once its sender had sent 1-RTT packets, else 0-RTT or 1-RTT, which the
 * loss alone does not say.
 */
export function lostPacketType(l: LossEvent, h: HandshakeSummary): string {
  if (l.space === 'initial') return 'Initial';
  if (l.space === 'handshake') return 'Handshake';
  const first1Rtt = h.events.find((e) => e.event === (l.sender === 'client' ? 'first_1rtt_client' : 'first_1rtt_server'));
  return first1Rtt && first1Rtt.time <= l.time ? '1-RTT' : '0-RTT or 1-RTT';
}

/** "stream 4, 1,200 bytes", "streams 0 and 4, 2,400 bytes", "1,153 bytes of TLS handshake (CRYPTO)", or null */
function dataWords(l: LossEvent): string | null {
  const perStream = new Map<number, number>();
  for (const s of l.streams) perStream.set(s.id, (perStream.get(s.id) ?? 0) + s.length);
  const parts: string[] = [];
  if (perStream.size > 0) {
    const ids = [...perStream.keys()];
    const names = ids.length === 1 ? `stream ${ids[0]}` : `streams ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
    parts.push(`${names}, ${bytes([...perStream.values()].reduce((a, b) => a + b, 0))}`);
  }
  if (l.cryptoBytes > 0) parts.push(`${bytes(l.cryptoBytes)} of TLS handshake (CRYPTO)`);
  return parts.length ? parts.join('; ') : null;
}

/**
 * One sentence for a loss and its recovery. `ms` turns a packet time into the ladder's
 * milliseconds since the connection's first packet.
 */
export function lossSentence(l: LossEvent, h: HandshakeSummary, ms: (t: number) => string): string {
  const type = lostPacketType(l, h);
  const data = dataWords(l);
  const receiver = other(l.sender);
  const what = `The ${l.sender}'s ${type} packet ${l.pn}${data ? ` (${data})` : ''}`;
  const r = l.retransmission;
  const gap = (t: number) => `${((t - l.time) * 1000).toFixed(3)} ms later`;
  const sentAgain = r ? `the ${l.sender} sent ${data ? 'that data' : 'its frames'} again in packet ${r.pn} at ${ms(r.time)} ms (${gap(r.time)})` : null;
  let sentence: string;
  if (l.where === 'after_capture') {
    // detectedAt is the ACK that skipped it, unless the retransmission came first
    const byAck = !r || l.detectedAt < r.time;
    const shown = byAck ? `the ${receiver}'s ACK at ${ms(l.detectedAt)} ms skipped it` : 'no ACK had skipped it yet';
    const again = sentAgain ?? (data ? 'the capture shows no packet carrying that data again' : 'nothing in it needed sending again (no STREAM or CRYPTO data)');
    sentence = `${what} crossed the capture point but never reached the ${receiver}: it was lost after the capture point; ${shown}, and ${again}.`;
  } else {
    // the packet itself was never seen: what it carried is known only from what was sent again
    const again = sentAgain ?? 'what it carried is not in the capture';
    sentence = `${what} never crossed the capture point: it was lost before it; ${again}.`;
  }
  if (l.spurious) sentence += ` The ${receiver} acknowledged the first copy after all: the retransmission was not needed (a spurious retransmission).`;
  if (l.evidence === 'inferred') sentence += ` Inferred, not proven: ${l.reason ?? 'the capture does not show the loss itself'}.`;
  return sentence;
}

/** the rung for a loss, as wide as the ladder's arrows: a ✕ where the packet was lost */
export function lossRung(l: LossEvent, type: string, rung: number): string {
  const label = ` ${type} packet ${l.pn} lost `;
  const fill = Math.max(2, rung - 5 - label.length);
  // after the capture point: the ✕ falls on the receiver's side; before it, on the sender's
  const nearReceiver = l.where === 'after_capture';
  if (l.sender === 'client') return nearReceiver ? `├─${label}${'─'.repeat(fill)}✕ │` : `├✕${label}${'─'.repeat(fill + 2)}│`;
  return nearReceiver ? `│ ✕${'─'.repeat(fill)}${label}─┤` : `│${'─'.repeat(fill + 2)}${label}✕┤`;
}

/** what showed the writer the loss, by qlog's trigger (quic-events §packet_lost) */
const TRIGGERS: Record<string, string> = {
  reordering_threshold: 'packets it sent later were acknowledged and this one was not (the packet threshold, RFC 9002 §6.1.1)',
  time_threshold: 'too long had passed since a later packet was acknowledged (the time threshold, RFC 9002 §6.1.2)',
  pto_expired: 'its probe timeout expired with no acknowledgement (RFC 9002 §6.2)',
};

/** the packet type as a learner reads it */
const TYPE_NAMES: Record<string, string> = { initial: 'Initial', handshake: 'Handshake', '0RTT': '0-RTT', '1RTT': '1-RTT' };

/**
 * One sentence for a loss an endpoint's own log declared (qlog packet_lost): the sender's
 * decision, not something a capture saw.
 */
export function declaredLossSentence(d: DeclaredLoss, vantage: Role): string {
  const type = TYPE_NAMES[d.packetType];
  const packet = `${type ? `${type} ` : ''}packet ${d.pn === null ? '(number not logged)' : d.pn}`;
  const why = d.trigger !== undefined && TRIGGERS[d.trigger] ? `: ${TRIGGERS[d.trigger]}` : d.trigger ? ` (${d.trigger})` : '; the log does not say what showed it';
  return `The ${vantage}'s own log declares its ${packet} lost${why}. This is the sender's own decision, not a packet seen on a wire; whatever in it still matters goes out again in new packets, with new numbers (RFC 9002 §2).`;
}

/** the rung for a declared loss: the ✕ on the sender's side, where the decision was made */
export function declaredRung(d: DeclaredLoss, vantage: Role, rung: number): string {
  const type = TYPE_NAMES[d.packetType];
  const label = ` ${type ? `${type} ` : ''}packet ${d.pn ?? '?'} declared lost `;
  const fill = Math.max(2, rung - 3 - label.length);
  return vantage === 'client' ? `├✕${label}${'─'.repeat(fill)}│` : `│${'─'.repeat(fill)}${label}✕┤`;
}
