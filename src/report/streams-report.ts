import Table from 'cli-table3';
import type { Connection } from '../analysis/connection.js';
import type { Stall, StreamDirection, StreamReport, StreamsReport, TcpHold } from '../analysis/streams/stream-types.js';
import { formatEndpoint } from '../capture/types.js';
import type { Palette } from './colour.js';
import { connectionName } from './connection-name.js';
import { roundTime } from './packet-json.js';

const ms = (x: number | null) => (x === null ? 'unknown' : x === 0 ? '0' : `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`);
const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

/** one direction's bytes, with what was sent again and how it ended */
function direction(d: StreamDirection): string {
  if (d.firstTime === null && !d.reset) return '–';
  const parts = [`${d.bytes}${d.exact ? '' : '+'}`];
  if (d.retransmittedBytes > 0) parts.push(`(${d.retransmittedBytes} again)`);
  if (d.fin) parts.push('FIN');
  if (d.reset) parts.push(`RESET ${d.reset.errorCode}`);
  if (d.stopSending) parts.push(`STOP_SENDING ${d.stopSending.errorCode}`);
  return parts.join(' ');
}

function times(s: StreamReport): string {
  const t = [s.client.firstTime, s.server.firstTime, s.client.lastTime, s.server.lastTime].filter((x): x is number => x !== null);
  return t.length ? `${Math.min(...t).toFixed(3)}–${Math.max(...t).toFixed(3)} s` : '–';
}

function kind(s: StreamReport): string {
  return `${s.directionality}${s.role ? ` ${s.role}` : ''}`;
}

function request(s: StreamReport): string {
  if (!s.request) return '';
  return `${s.request.method ?? '?'} ${s.request.path ?? '?'} → ${s.request.status ?? '?'}`;
}

function cause(st: Stall | TcpHold): string {
  const c = st.cause;
  if (c.where === 'after_capture') return `packet ${c.pn} (frame ${c.frame}) lost after the capture point`;
  const pns = c.missingPns?.length ? `, packet number${c.missingPns.length === 1 ? '' : 's'} ${c.missingPns.join(', ')} missing from the capture` : '';
  return `bytes ${c.bytes[0]}–${c.bytes[1]} never reached the capture point before later ones${pns} (inferred)`;
}

function stallLine(s: Stall): string {
  const until = `${s.until.toFixed(3)} s, filled by frame ${s.filledBy.frame}`;
  const others = s.othersDelivering.length ? `; meanwhile stream${s.othersDelivering.length === 1 ? '' : 's'} ${s.othersDelivering.join(', ')} kept delivering` : '; no other stream delivered meanwhile';
  return `  stream ${s.stream} (${s.sender}'s bytes) waited ${ms(s.waitMs)}, ${s.from.toFixed(3)} s to ${until}, ${s.heldBytes} bytes held back: ${cause(s)}${others}`;
}

function connectionText(c: Connection, r: StreamsReport, colour: Palette): string {
  const lines = [colour.bold(connectionName(c, (client, server) => `${client} → ${server}`))];
  if (r.known.evidence === 'unknown' && r.streams.length === 0) {
    lines.push(`  streams: unknown — ${r.known.reason}`);
    return lines.join('\n');
  }
  if (r.known.evidence !== 'proven') lines.push(colour.yellow(`  ${r.known.reason}`));
  const t = new Table({
    head: ['stream', 'opened by', 'type', 'client → server bytes', 'server → client bytes', 'first–last', 'request', 'waited here', 'under TCP'],
    style: { head: [], border: [] },
  });
  for (const s of r.streams) {
    t.push([s.id, s.opener, kind(s), direction(s.client), direction(s.server), times(s), request(s), ms(s.quicWaitMs), ms(s.tcpWaitMs)]);
  }
  lines.push(t.toString());
  if (r.untrackedStreams) lines.push(colour.yellow(`  ${r.untrackedStreams} STREAM frames of streams beyond the first 4096 were not followed`));
  if (r.model.evidence === 'unknown') lines.push(colour.dim(`  head-of-line waits: unknown — ${r.model.reason}`));
  else {
    lines.push('', colour.bold('  Head-of-line waits (each stream is delivered in order, RFC 9000 §2.2)'));
    if (r.stalls.length === 0) lines.push(`  none: no stream had data waiting behind a missing byte${r.unfilled.length ? ' that arrived later' : ''}`);
    for (const s of r.stalls) lines.push(stallLine(s));
    if (r.stallsOmitted) lines.push(colour.dim(`  … and ${r.stallsOmitted} more`));
    for (const u of r.unfilled) {
      lines.push(
        colour.dim(`  stream ${u.stream} (${u.sender}'s bytes): bytes ${u.cause.bytes[0]}–${u.cause.bytes[1]} never arrived as far as the capture shows, and were never sent again in it: a capture that missed their ACK, or its end, more likely than a loss; no wait counted`),
      );
    }
    lines.push('', colour.bold('  What one ordered byte stream (HTTP/2 over TCP) would have done'));
    // a loss that held back only its own stream is the same under TCP: counted, not told one by one
    const alone = r.tcp.filter((h) => h.held.every((x) => x.stream === h.stream));
    const shared = r.tcp.filter((h) => !alone.includes(h));
    if (r.tcp.length === 0) lines.push('  nothing different: no loss had bytes of any stream behind it');
    for (const h of shared) lines.push(`  ${h.sentence}`);
    if (alone.length) {
      const streams = [...new Set(alone.map((h) => h.stream))].sort((a, b) => a - b);
      lines.push(`  ${alone.length} loss${alone.length === 1 ? '' : 'es'} had only ${streams.length === 1 ? `stream ${streams[0]}'s` : `their own stream's (${streams.join(', ')})`} bytes behind ${alone.length === 1 ? 'it' : 'them'}: TCP would have held back nothing more`);
    }
    if (r.tcpOmitted) lines.push(colour.dim(`  … and ${r.tcpOmitted} more`));
    if (r.unsettledPackets) lines.push(colour.dim(`  ${r.unsettledPackets} packet${r.unsettledPackets === 1 ? ' with stream data has' : 's with stream data have'} no fate the capture shows (no ACK reached ${r.unsettledPackets === 1 ? 'it' : 'them'}, or a capture gap hid the ACKs): taken as arrived`));
    if (r.uncapturedBytes) lines.push(colour.dim(`  ${r.uncapturedBytes} stream bytes travelled in packets the capture lacks but that were not lost as far as it shows (the receiver acknowledged them, or a capture gap hid them): taken as arrived with the next packet captured`));
  }
  const e = r.earlyData;
  if (e.attempted) {
    const limit = e.maxEarlyDataSize === null ? `limit unknown: ${e.limit.reason}` : `limit ${e.maxEarlyDataSize} (max_early_data_size)${e.withinLimit ? ', within it' : colour.red(', over it')}`;
    const accepted = e.accepted === null ? 'acceptance unknown' : e.accepted ? 'accepted' : 'rejected';
    const tooEarly = e.tooEarly.length ? `; answered 425 Too Early: stream${e.tooEarly.length === 1 ? '' : 's'} ${e.tooEarly.join(', ')}` : '; no request answered 425 Too Early';
    lines.push('', `  0-RTT: ${e.bytes} bytes of early data, ${accepted}; ${limit}; requests in 0-RTT: ${e.requests.length ? `stream${e.requests.length === 1 ? '' : 's'} ${e.requests.join(', ')}` : 'none read'}${tooEarly}`);
  }
  return lines.join('\n');
}

/** `streams` as text: per connection, the streams table, the head-of-line waits and the TCP sentences */
export function streamsText(connections: readonly Connection[], report: (c: Connection) => StreamsReport, colour: Palette): string {
  if (connections.length === 0) return 'no QUIC connections found\n';
  return connections.map((c) => connectionText(c, report(c), colour)).join('\n\n') + '\n';
}

const time = (t: number | null) => (t === null ? null : roundTime(t));

function stallJson(s: Stall) {
  return { ...s, from: time(s.from), until: time(s.until), waitMs: round3(s.waitMs), cause: { ...s.cause, time: time(s.cause.time) }, filledBy: { ...s.filledBy, time: time(s.filledBy.time) } };
}

/** `streams --format json`: one object per connection (docs/json.md) */
export function streamsToJson(c: Connection, r: StreamsReport): Record<string, unknown> {
  return {
    connection: c.id,
    client: c.client ? formatEndpoint(c.client) : null,
    server: c.server ? formatEndpoint(c.server) : null,
    known: r.known,
    model: r.model,
    streams: r.streams.map((s) => ({
      ...s,
      client: { ...s.client, firstTime: time(s.client.firstTime), lastTime: time(s.client.lastTime) },
      server: { ...s.server, firstTime: time(s.server.firstTime), lastTime: time(s.server.lastTime) },
      quicWaitMs: round3(s.quicWaitMs),
      tcpWaitMs: round3(s.tcpWaitMs),
      tcpExtraMs: round3(s.tcpExtraMs),
    })),
    stalls: r.stalls.map(stallJson),
    stallsOmitted: r.stallsOmitted,
    untrackedStreams: r.untrackedStreams,
    unfilled: r.unfilled.map((u) => ({ ...u, from: time(u.from), cause: { ...u.cause, time: time(u.cause.time) } })),
    tcp: r.tcp.map((h) => ({
      ...h,
      from: time(h.from),
      until: time(h.until),
      cause: { ...h.cause, time: time(h.cause.time) },
      filledBy: h.filledBy && { ...h.filledBy, time: time(h.filledBy.time) },
      held: h.held.map((x) => ({ ...x, tcpWaitMs: round3(x.tcpWaitMs), quicWaitMs: round3(x.quicWaitMs) })),
    })),
    tcpOmitted: r.tcpOmitted,
    unsettledPackets: r.unsettledPackets,
    uncapturedBytes: r.uncapturedBytes,
    earlyData: r.earlyData,
  };
}
