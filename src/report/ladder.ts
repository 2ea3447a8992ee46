import type { Connection } from '../analysis/connection.js';
import type { HandshakeEvent, HandshakeEventName, HandshakeSummary } from '../analysis/handshake-timeline.js';
import type { LossEvent } from '../analysis/recovery/recovery-events.js';
import { declaredLossSentence, declaredRung, lossRung, lossSentence, lostPacketType } from './loss-sentences.js';
import type { DeclaredLoss } from '../analysis/recovery/logged-recovery.js';
import { versionInfo } from '../quic/versions.js';
import type { Palette } from './colour.js';
import { connectionName } from './connection-name.js';

/** the width of the ladder between the two columns; with time and event, under 100 columns */
const RUNG = 58;
/** losses explained per connection; `quiclens recovery` lists them all */
export const EXPLAINED_LOSSES = 50;

/**
 * A connection's handshake as a ladder diagram between client and server: one arrow per
 * milestone, its time at the left, its name at the right, and with --explain one plain
 * sentence under it for people learning QUIC. All times count from the connection's first
 * packet; `zero` is the input's first record, the zero of the packets' times. With --explain,
 * the losses the capture shows (`losses`, by time) join the ladder in time order, each with
 * a sentence on how it was found and recovered; for a connection read from an endpoint log,
 * the losses its writer declared (`declared`).
 */
export function ladder(
  conn: Connection,
  h: HandshakeSummary,
  colour: Palette,
  explain: boolean,
  zero: number,
  losses: readonly LossEvent[] = [],
  declared: readonly DeclaredLoss[] = [],
): string {
  const start = clockStart(conn, zero);
  const ms = ladderClock(conn, zero);
  const head = [
    colour.bold(connectionName(conn, (client, server) => `${client} (client) ⇄ ${server} (server)`)),
    [conn.version === null ? null : versionInfo(conn.version).name, ...handshakeWords(h, ms)].filter(Boolean).join(', '),
    ...unknownLines(h).map((l) => colour.dim(l)),
    colour.dim(`times in ms since the connection's first packet (${conn.log ? 'event' : 'frame'} ${conn.firstFrame}, ${start.toFixed(6)} s into ${conn.log ? 'its log' : 'the capture'})`),
    '',
    `${'time (ms)'.padStart(11)}  client${' '.repeat(RUNG - 12)}server`,
  ];
  const sentences = explainSentences(h.events);
  const lines = h.events.map((e, i) => {
    const sentence = sentences[i]!;
    const row = `${ms(e.time).padStart(11)}  ${arrow(e)}  ${colour.dim(e.event)}`;
    return { time: e.time, text: explain ? `${row}\n${colour.dim(wrap(sentence, 13, 96))}` : row };
  });
  const writer = conn.log && conn.log.vantage !== 'network' ? conn.log.vantage : null;
  if (!explain || (losses.length === 0 && (declared.length === 0 || !writer))) return [...head, ...lines.map((l) => l.text)].join('\n') + '\n';
  const shown = losses.slice(0, EXPLAINED_LOSSES).map((l) => {
    const row = `${ms(l.time).padStart(11)}  ${lossRung(l, lostPacketType(l, h), RUNG)}  ${colour.dim(l.where === 'after_capture' ? 'lost_after_capture' : 'lost_before_capture')}`;
    return { time: l.time, text: `${row}\n${colour.dim(wrap(lossSentence(l, h, ms), 13, 96))}` };
  });
  const own = writer
    ? declared.slice(0, EXPLAINED_LOSSES).map((d) => {
        const row = `${ms(d.time).padStart(11)}  ${declaredRung(d, writer, RUNG)}  ${colour.dim('packet_lost')}`;
        return { time: d.time, text: `${row}\n${colour.dim(wrap(declaredLossSentence(d, writer), 13, 96))}` };
      })
    : [];
  // a stable sort: at one instant the handshake's milestone comes first, then the losses
  const merged = [...lines, ...shown, ...own].sort((a, b) => a.time - b.time).map((l) => l.text);
  const more = losses.length - shown.length + (writer ? declared.length - own.length : 0);
  const tail = more > 0 ? [colour.dim(`             and ${more} more losses (\`quiclens recovery --format json\` lists them)`)] : [];
  return [...head, ...merged, ...tail].join('\n') + '\n';
}

/** the connection's first packet, in seconds on the packets' clock: packet times count from the input's first record (a log's from its own first event) */
function clockStart(conn: Connection, zero: number): number {
  return conn.firstTime - (conn.log?.zero ?? zero);
}

/** the ladder's clock: a packet's time as milliseconds since the connection's first packet */
function ladderClock(conn: Connection, zero: number): (t: number) => string {
  const start = clockStart(conn, zero);
  return (t: number) => ((t - start) * 1000).toFixed(3);
}

/** a loss as the HTML report's learner mode draws it on the ladder: what `timeline --explain` says of it */
export interface ExplainedLoss {
  /** seconds, on the clock of the handshake events */
  time: number;
  event: 'lost_after_capture' | 'lost_before_capture' | 'packet_lost';
  sender: 'client' | 'server';
  /** Initial, Handshake, 1-RTT, "0-RTT or 1-RTT"; null when a log did not say */
  packetType: string | null;
  pn: number | null;
  /** the lost packet's record; null when it never reached the capture point (or a log declared it) */
  frame: number | null;
  /** the packet that carried its data again, when the capture shows one */
  retransmissionFrame: number | null;
  sentence: string;
}

/**
 * The losses `timeline --explain` puts on a connection's ladder, by time, with their
 * sentences: at most EXPLAINED_LOSSES of each kind; `more` counts the rest.
 */
export function explainedLosses(
  conn: Connection,
  h: HandshakeSummary,
  zero: number,
  losses: readonly LossEvent[],
  declared: readonly DeclaredLoss[],
): { losses: ExplainedLoss[]; more: number } {
  const ms = ladderClock(conn, zero);
  const sorted = [...losses].sort((a, b) => a.time - b.time);
  const writer = conn.log && conn.log.vantage !== 'network' ? conn.log.vantage : null;
  const seen: ExplainedLoss[] = sorted.slice(0, EXPLAINED_LOSSES).map((l) => ({
    time: l.time,
    event: l.where === 'after_capture' ? 'lost_after_capture' : 'lost_before_capture',
    sender: l.sender,
    packetType: lostPacketType(l, h),
    pn: l.pn,
    frame: l.frame,
    retransmissionFrame: l.retransmission?.frame ?? null,
    sentence: lossSentence(l, h, ms),
  }));
  const own: ExplainedLoss[] = writer
    ? declared.slice(0, EXPLAINED_LOSSES).map((d) => ({
        time: d.time,
        event: 'packet_lost',
        sender: writer,
        packetType: null,
        pn: d.pn,
        frame: null,
        retransmissionFrame: null,
        sentence: declaredLossSentence(d, writer),
      }))
    : [];
  const more = losses.length - seen.length + (writer ? declared.length - own.length : 0);
  return { losses: [...seen, ...own].sort((a, b) => a.time - b.time), more };
}

/** the --explain sentence of each event, in order (the HTML report's learner mode shows the same) */
export function explainSentences(events: readonly HandshakeEvent[]): string[] {
  const firstInitial = events.findIndex((e) => e.event === 'client_initial');
  // a client Initial after the first: a new attempt after Version Negotiation, or the one that answers a Retry
  return events.map((e, i) => (e.restart ? EXPLAIN_RESTART : e.event === 'client_initial' && i > firstInitial ? RETRIED_INITIAL : EXPLAIN[e.event]));
}

/** the header's words on the handshake: only what the packets prove; the unknowns follow on lines of their own */
function handshakeWords(h: HandshakeSummary, ms: (t: number) => string): (string | null)[] {
  if (h.complete === null) return ['handshake completion unknown'];
  if (!h.complete) return ['handshake not complete'];
  const trips = h.roundTrips === null ? 'round trips unknown' : `${h.roundTrips} round trip${h.roundTrips > 1 ? 's' : ''}${h.roundTripReasons.length ? ` (${h.roundTripReasons.join(', ')})` : ''}`;
  const first1Rtt = h.events.find((e) => e.event === 'first_1rtt_client');
  const done = h.durationMs !== null ? `complete after ${h.durationMs.toFixed(3)} ms` : first1Rtt ? `complete by ${ms(first1Rtt.time)} ms (the client's first 1-RTT packet)` : 'complete';
  const confirmed = h.confirmedAt !== null ? `confirmed at ${ms(h.confirmedAt)} ms` : h.facts.confirmedAt.evidence === 'unknown' ? 'confirmation unknown' : null;
  return [trips, done, confirmed];
}

/** each unknown of the header, with why, wrapped to the ladder's width */
function unknownLines(h: HandshakeSummary): string[] {
  const named = { complete: 'completion', roundTrips: 'round trips', durationMs: 'duration', confirmedAt: 'confirmation', ended: 'end' } as const;
  return (Object.keys(named) as (keyof typeof named)[]).flatMap((k) => {
    const f = h.facts[k];
    return f?.evidence === 'unknown' ? wrap(`${named[k]} unknown: ${f.reason}`, 0, 96).split('\n') : [];
  });
}

function arrow(e: HandshakeEvent): string {
  const label = ` ${e.detail} `;
  const fill = Math.max(2, RUNG - 4 - label.length);
  return e.by === 'client' ? `├─${label}${'─'.repeat(fill)}▶│` : `│◀${'─'.repeat(fill)}${label}─┤`;
}

function wrap(text: string, indent: number, width: number): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > width - indent) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out.map((l) => ' '.repeat(indent) + l).join('\n');
}

/** the client's Initial of a new attempt after Version Negotiation */
const EXPLAIN_RESTART =
  'The client gives up the first attempt and starts a new one in a version the server offered: a new Initial and ClientHello, new connection IDs, often a new port (RFC 9000 §6.2). The handshake starts over: this is the extra round trip.';

/** the Initial that answers a Retry */
const RETRIED_INITIAL =
  "The client sends its Initial again, now carrying the Retry's token and addressed to the connection ID the Retry chose: the server sees that the client receives packets at its address (RFC 9000 §8.1.2).";

/** one sentence per milestone, in plain words, for --explain */
const EXPLAIN: Record<HandshakeEventName, string> = {
  client_initial:
    'The client opens the connection. Its Initial carries the TLS ClientHello under keys anyone can derive from the DCID, padded to 1200 bytes so the server may answer with up to three times that before the address is validated.',
  version_negotiation:
    'The server does not speak the version the client chose and lists those it does; the client has to start again with one of them, which costs a round trip.',
  retry:
    "The server wants proof that the client owns its address before it keeps any state: the client repeats its Initial with this Retry's token, one more round trip.",
  server_initial: "The server's Initial carries the ServerHello: from here both sides can compute the Handshake keys.",
  server_handshake:
    'Under Handshake keys the server sends its encrypted extensions (ALPN, transport parameters), its certificate and its Finished.',
  client_finished: "The client has checked the server's certificate and Finished and sends its own Finished: it may now send 1-RTT data.",
  handshake_complete: 'For the client the handshake is complete (RFC 9001 §4.1.1).',
  handshake_confirmed:
    'HANDSHAKE_DONE: the server confirms the handshake. The client drops its Handshake keys and may from now on move to another path.',
  zero_rtt_sent:
    'The client resumes an earlier session and sends data before the handshake finishes. It saves a round trip, but an attacker can replay it: only safe requests belong there.',
  zero_rtt_accepted: 'The server accepted the early data.',
  zero_rtt_rejected: 'The server rejected the early data: the client must send it again under 1-RTT keys.',
  first_1rtt_client: "The client's first packet under 1-RTT keys.",
  first_1rtt_server: "The server's first 1-RTT packet; a server may send such data (0.5-RTT) before it has the client's Finished.",
  new_token: "A token the client can present in a later connection's Initial, to skip the Retry round trip.",
  key_update: 'A sender moves to the next generation of 1-RTT keys and flips the key phase bit (RFC 9001 §6).',
  connection_close: 'The connection ends; the error code says why.',
  idle_end:
    "No packet follows and nobody closed the connection: it ended by its idle timeout (or the capture ended first).",
  last_packet:
    'No packet follows. The last packets could not be read, so whether one of them closed the connection (CONNECTION_CLOSE) or it ended by its idle timeout is unknown.',
};
