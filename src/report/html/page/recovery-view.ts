import type { RecoveryConnectionJson } from '../report-data-types.js';
import { timeChart, type Marker, type Series } from './chart.js';
import { h, unknown } from './dom.js';
import type { Select } from './ladder-view.js';

/** Okabe-Ito: blue for the client's packets, vermillion for the server's */
const SIDE = { client: '#0072B2', server: '#D55E00' } as const;

function count(n: number | null, fact: { evidence: string; reason: string } | undefined): HTMLElement | string {
  return n === null ? unknown(fact?.reason) : String(n);
}

/**
 * Loss and RTT of one connection, as `recovery` reports them at the capture point: the
 * numbers per sender, the RTT samples and the bytes in flight over time, each loss a mark
 * that selects its packet.
 */
export function recoveryView(conn: number, r: RecoveryConnectionJson | undefined, select: Select): HTMLElement {
  const section = h('div', { class: 'recovery', 'data-testid': 'recovery' }, h('h3', {}, 'Loss, retransmission and RTT'));
  if (!r) return section;
  const rec = r.recovery;
  if (!rec) {
    section.append(h('p', {}, 'Recovery ', unknown(r.reason)));
    return section;
  }
  const head = ['sender', 'packets', 'lost after the capture point', 'lost before it', 'loss', 'bytes sent again', 'smoothed RTT (leg)', 'most bytes in flight'];
  section.append(
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...head.map((x) => h('th', { scope: 'col' }, x)))),
      h(
        'tbody',
        {},
        ...rec.directions.map((d) =>
          h(
            'tr',
            { 'data-sender': d.sender },
            h('td', {}, d.sender),
            h('td', {}, String(d.packets)),
            h('td', {}, count(d.lostAfterCapture, d.facts.losses)),
            h('td', {}, count(d.lostBeforeCapture, d.facts.losses)),
            h('td', {}, d.lossPercent === null ? unknown(d.facts.losses?.reason) : `${d.lossPercent}%`),
            h('td', {}, d.retransmittedBytes === null ? unknown(d.facts.retransmissions?.reason) : String(d.retransmittedBytes.stream + d.retransmittedBytes.crypto)),
            h('td', {}, d.rtt === null ? unknown(d.facts.rtt?.reason) : `${d.rtt.smoothedMs.toFixed(3)} ms (${d.rtt.leg})`),
            h('td', {}, d.maxBytesInFlight === null ? unknown('no ack-eliciting packet seen') : String(d.maxBytesInFlight)),
          ),
        ),
      ),
    ),
    h('p', {}, 'End-to-end RTT: ', rec.endToEndRtt ? `${rec.endToEndRtt.smoothedMs.toFixed(3)} ms smoothed, ${rec.endToEndRtt.minMs.toFixed(3)} ms least` : unknown(rec.endToEndFact.reason)),
  );
  const markers: Marker[] = rec.losses.map((l) => ({
    time: l.time,
    frame: l.frame ?? l.retransmission?.frame ?? null,
    connection: conn,
    colour: SIDE[l.sender],
    label: `${l.sender}'s ${l.space} packet ${l.pn} lost ${l.where === 'after_capture' ? 'after the capture point' : 'before the capture point'}${l.frame !== null ? ` (frame ${l.frame})` : ''}${l.retransmission ? `, sent again in frame ${l.retransmission.frame}` : ''}${l.spurious ? ', spurious' : ''}${l.evidence === 'inferred' ? ` (inferred: ${l.reason ?? ''})` : ''}`,
  }));
  const sides = ['client', 'server'] as const;
  const rtt: Series[] = sides.flatMap((side) => {
    const samples = rec.rttSamples.filter((x) => x.sender === side);
    if (samples.length === 0) return [];
    return [
      { name: `${side}'s packets: each sample (latest_rtt)`, colour: SIDE[side], points: samples.map((x) => [x.time, x.latestMs] as [number, number]), line: false },
      { name: `${side}'s packets: smoothed_rtt`, colour: SIDE[side], points: samples.map((x) => [x.time, x.smoothedMs] as [number, number]), dash: side === 'server' ? '6 3' : undefined },
    ];
  });
  const flight: Series[] = sides.flatMap((side) => {
    const samples = rec.flight.filter((x) => x.sender === side);
    return samples.length === 0 ? [] : [{ name: `${side}'s bytes in flight`, colour: SIDE[side], points: samples.map((x) => [x.time, x.bytes] as [number, number]), step: true, dash: side === 'server' ? '6 3' : undefined }];
  });
  const omitted = (k: string) => (rec.events[k]?.omitted ? h('p', { class: 'why' }, `${rec.events[k]!.omitted} more ${k} not kept (the lists are bounded)`) : null);
  const parts: (Node | null)[] = [
    h('h4', {}, 'RTT at the capture point (ms), losses marked under the axis'),
    rtt.length === 0 ? h('p', {}, 'RTT samples ', unknown(rec.directions.map((d) => `${d.sender}: ${d.facts.rtt?.reason ?? 'none'}`).join('; '))) : timeChart('rtt-chart', `RTT samples of connection ${conn}`, 'ms', rtt, markers, select),
    omitted('rttSamples'),
    h('h4', {}, 'Bytes in flight at the capture point'),
    flight.length === 0 ? h('p', {}, 'Bytes in flight ', unknown('no ack-eliciting packet whose acknowledgement the capture shows')) : timeChart('flight-chart', `bytes in flight of connection ${conn}`, 'bytes', flight, markers, select),
    omitted('flight'),
    omitted('losses'),
  ];
  section.append(...parts.filter((p): p is Node => p !== null));
  return section;
}
