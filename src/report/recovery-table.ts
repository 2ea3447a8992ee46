import Table from 'cli-table3';
import type { Connection, Role } from '../analysis/connection.js';
import type { Fact } from '../analysis/finding.js';
import { PN_SPACES } from '../analysis/recovery/pn-space.js';
import type { ConnectionRecoveryReport, DirectionRecovery } from '../analysis/recovery/recovery-report.js';
import type { LossEvent } from '../analysis/recovery/recovery-events.js';
import type { Palette } from './colour.js';
import { connectionName } from './connection-name.js';
import { noRecoveryReason, type RecoveryView } from './recovery-json.js';

/** loss lines printed per connection; JSON holds them all */
const LOSS_LINES = 20;

const num = (x: number | null, colour: Palette) => (x === null ? colour.dim('unknown') : String(x));
const msText = (x: number) => `${x.toFixed(3)} ms`;
const arrow = (sender: Role) => (sender === 'client' ? 'client → server' : 'server → client');

function spacesCell(d: DirectionRecovery): string {
  return PN_SPACES.filter((s) => d.spaces[s].packets > 0)
    .map((s) => `${s} ${d.spaces[s].packets}`)
    .join('\n');
}

function rttCell(d: DirectionRecovery, colour: Palette): string {
  if (!d.rtt) return colour.dim('unknown');
  const r = d.rtt;
  return `min ${msText(r.minMs)}\nsmoothed ${msText(r.smoothedMs)}\nlatest ${msText(r.latestMs)}\nrttvar ${msText(r.rttVarMs)}\n${r.samples} samples`;
}

function flowCell(d: DirectionRecovery): string {
  const f = d.flowControl.frames;
  const blocked = f.data_blocked + f.stream_data_blocked + f.streams_blocked;
  const raised = f.max_data + f.max_stream_data + f.max_streams;
  return `${blocked} BLOCKED, ${raised} MAX_* sent\n${d.flowControl.waits} waits, ${d.flowControl.waitedMs} ms`;
}

/** one connection as a table: a column per sender */
function connectionTable(r: ConnectionRecoveryReport, colour: Palette): string {
  const [c, s] = r.directions as [DirectionRecovery, DirectionRecovery];
  const t = new Table({ head: ['', 'sent by client', 'sent by server'].map(colour.bold), style: { head: [], border: [] } });
  const row = (label: string, f: (d: DirectionRecovery) => string) => t.push([label, f(c), f(s)]);
  row('packets seen', (d) => `${d.packets}\n${spacesCell(d)}`);
  row('lost after the capture point', (d) => num(d.lostAfterCapture, colour));
  row('lost before the capture point', (d) => num(d.lostBeforeCapture, colour));
  row('missed by the capture (acknowledged)', (d) => num(d.missedByCapture, colour));
  row('fate not in the capture', (d) => num(d.unresolved, colour));
  row('loss', (d) => (d.lossPercent === null ? colour.dim('unknown') : `${d.lossPercent.toFixed(2)} %`));
  row('retransmitted bytes', (d) => (d.retransmittedBytes ? `${d.retransmittedBytes.stream} STREAM\n${d.retransmittedBytes.crypto} CRYPTO` : colour.dim('unknown')));
  row('packets carrying data again', (d) => num(d.retransmittedPackets, colour));
  row('spurious retransmissions', (d) => num(d.spuriousRetransmissions, colour));
  row('RTT, capture → peer → capture', (d) => rttCell(d, colour));
  row('max bytes in flight', (d) => num(d.maxBytesInFlight, colour));
  row('flow control', flowCell);
  return t.toString();
}

/** the facts that are not proven, in words under the table */
function factLines(r: ConnectionRecoveryReport): string[] {
  const out: string[] = [];
  const say = (what: string, f: Fact) => {
    if (f.evidence !== 'proven') out.push(`${what} ${f.evidence}: ${f.reason}`);
  };
  for (const d of r.directions) {
    say(`${arrow(d.sender)} losses`, d.facts.losses);
    say(`${arrow(d.sender)} retransmissions`, d.facts.retransmissions);
    say(`${arrow(d.sender)} RTT`, d.facts.rtt);
  }
  return out;
}

export function lossLine(l: LossEvent): string {
  const where =
    l.where === 'after_capture'
      ? `frame ${l.frame} at ${l.time.toFixed(6)} s, lost after the capture point`
      : `not seen here (the sender's next packet crossed at ${l.time.toFixed(6)} s), lost before the capture point`;
  const again = l.retransmission ? `, data sent again in pn ${l.retransmission.pn} (frame ${l.retransmission.frame})` : '';
  const data = l.streams.length ? `, ${l.streams.map((s) => `stream ${s.id} ${s.offset}+${s.length}`).join(', ')}` : l.cryptoBytes ? `, ${l.cryptoBytes} CRYPTO bytes` : '';
  const spurious = l.spurious ? ', acknowledged later (spurious)' : '';
  const inferred = l.evidence === 'inferred' ? ` [inferred: ${l.reason}]` : '';
  return `${l.sender} ${l.space} pn ${l.pn}: ${where}${data}${again}${spurious}${inferred}`;
}

/** `quiclens recovery` as text */
export function recoveryText(connections: readonly Connection[], v: RecoveryView, colour: Palette): string {
  const parts: string[] = [];
  for (const c of connections) {
    const name = colour.bold(connectionName(c, (client, server) => `${client} → ${server}`));
    const r = v.report(c);
    if (!r) {
      parts.push(`${name}\n  ${colour.dim(noRecoveryReason(c))}`);
      continue;
    }
    const lines: string[] = [connectionTable(r, colour)];
    lines.push(
      r.endToEndRtt
        ? `end-to-end RTT (both legs): min ${msText(r.endToEndRtt.minMs)}, smoothed ${msText(r.endToEndRtt.smoothedMs)}, latest ${msText(r.endToEndRtt.latestMs)}`
        : colour.dim(`end-to-end RTT unknown: ${r.endToEndFact.reason}`),
    );
    const h = r.handshake;
    if (h && 'durationMs' in h)
      lines.push(
        `handshake ${msText(h.durationMs)} at the capture point: network ${msText(h.networkMs)} (one round trip), server ${msText(h.serverMs)}, client ${msText(h.clientMs)} ${colour.dim(`(inferred: ${h.fact.reason})`)}`,
      );
    else if (h) lines.push(colour.dim(`handshake split unknown: ${h.fact.reason}`));
    const facts = factLines(r);
    if (facts.length) lines.push(colour.dim(facts.map((f) => `  ${f}`).join('\n')));
    const losses = v.losses(c);
    if (losses.length) {
      lines.push(colour.bold('Losses'));
      lines.push(losses.slice(0, LOSS_LINES).map((l) => `  ${lossLine(l)}`).join('\n'));
      if (losses.length > LOSS_LINES) lines.push(colour.dim(`  and ${losses.length - LOSS_LINES} more (--format json lists them)`));
    }
    const waits = r.flowControlWaits;
    if (waits.length) {
      lines.push(colour.bold('Flow-control waits'));
      for (const w of waits.slice(0, LOSS_LINES)) {
        const what = w.kind === 'stream_data' ? `stream ${w.stream}'s data` : w.kind === 'data' ? "the connection's data" : `opening ${w.kind === 'streams_bidi' ? 'bidirectional' : 'unidirectional'} streams`;
        const end = w.raisedBy ? `until frame ${w.raisedBy.frame} raised it to ${w.raisedBy.maximum}: ${w.waitedMs} ms` : 'not raised in the capture';
        lines.push(`  ${w.sender} blocked on ${what} at ${w.limit} (frame ${w.frame}), ${end}`);
      }
    }
    parts.push(`${name}\n${lines.join('\n')}`);
  }
  return parts.join('\n\n') + '\n';
}

/** summary's three recovery cells: loss % per sender, retransmitted bytes per sender, the end-to-end smoothed RTT */
export function recoverySummaryCells(r: ConnectionRecoveryReport | null, colour: Palette): [string, string, string] {
  const unknown = colour.dim('?');
  if (!r) return [unknown, unknown, unknown];
  const [c, s] = r.directions as [DirectionRecovery, DirectionRecovery];
  const pair = (f: (d: DirectionRecovery) => string | null) => `${f(c) ?? unknown} / ${f(s) ?? unknown}`;
  return [
    pair((d) => (d.lossPercent === null ? null : `${d.lossPercent.toFixed(1)} %`)),
    pair((d) => (d.retransmittedBytes ? String(d.retransmittedBytes.stream + d.retransmittedBytes.crypto) : null)),
    r.endToEndRtt ? msText(r.endToEndRtt.smoothedMs) : unknown,
  ];
}

/** under summary's table: why a recovery cell is `?` */
export function recoveryUnknownText(connections: readonly Connection[], v: RecoveryView | undefined, colour: Palette): string {
  if (!v) return '';
  const lines: string[] = [];
  for (const c of connections) {
    const r = v.report(c);
    if (!r) {
      if (!c.log) lines.push(`  ${c.id}  loss, retransmissions, RTT unknown: ${noRecoveryReason(c)}`);
      continue;
    }
    const losses = [...new Set(r.directions.flatMap((d) => (d.facts.losses.evidence === 'unknown' ? [d.facts.losses.reason] : [])))];
    if (losses.length) lines.push(`  ${c.id}  loss and RTT unknown: ${losses.join('; ')}`);
    const retrans = [...new Set(r.directions.flatMap((d) => (d.facts.retransmissions.evidence === 'unknown' ? [d.facts.retransmissions.reason] : [])))];
    if (retrans.length) lines.push(`  ${c.id}  retransmissions unknown: ${retrans.join('; ')}`);
    if (!r.endToEndRtt && losses.length === 0) lines.push(`  ${c.id}  RTT unknown: ${r.endToEndFact.reason}`);
  }
  return lines.length ? `\n${colour.dim(lines.join('\n'))}` : '';
}
