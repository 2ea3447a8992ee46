import type { Stall, TcpHeld, TcpHold } from './stream-types.js';
import type { RawHold } from './tcp-order.js';

const ms = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;

/** "0, 4 and 12" */
function list(xs: readonly (string | number)[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
}

/** how long a stream's own in-order delivery waited within [from, to] here */
function quicWaitWithin(stalls: readonly Stall[], stream: number, from: number, to: number): number {
  let t = 0;
  for (const s of stalls) {
    if (s.stream !== stream) continue;
    t += Math.max(0, Math.min(s.until, to) - Math.max(s.from, from));
  }
  return t * 1000;
}

function what(h: RawHold): string {
  const c = h.cause;
  return c.where === 'after_capture' ? `packet ${c.pn}, frame ${c.frame}` : `bytes ${c.bytes[0]}–${c.bytes[1]}, lost before the capture point`;
}

/** One loss under the TCP model, with each held stream's waits in both worlds and the sentence for learners. */
export function tcpHold(h: RawHold, stalls: readonly Stall[]): TcpHold {
  const held: TcpHeld[] = h.held.map((x) => ({
    stream: x.stream,
    tcpWaitMs: (h.end - x.since) * 1000,
    quicWaitMs: quicWaitWithin(stalls, x.stream, x.since, h.end),
    bytes: x.bytes,
  }));
  const from = Math.min(...h.held.map((x) => x.since));
  const own = held.find((x) => x.stream === h.stream);
  const others = held.filter((x) => x.stream !== h.stream);
  const repaired = h.until === null ? 'never repaired within the capture' : `repaired by frame ${h.filledBy?.frame}`;
  const first = own
    ? `stream ${h.stream} waited ${ms(own.quicWaitMs)} for its own loss (${what(h)}; ${repaired})`
    : `stream ${h.stream} lost ${what(h)} (${repaired}) with none of its later bytes behind it, so it waited 0 ms`;
  let second: string;
  if (others.length === 0) second = 'no other stream had bytes behind the loss, so TCP would have held no other stream';
  else {
    const tcpMs = others.map((o) => ms(o.tcpWaitMs));
    const quicMs = others.map((o) => o.quicWaitMs);
    const here = quicMs.every((q) => q < 0.05) ? 'waited 0 ms here' : `waited ${list(quicMs.map(ms))} here`;
    const word = others.length === 1 ? 'stream' : 'streams';
    const waits = new Set(tcpMs).size === 1 ? tcpMs[0]! : list(tcpMs);
    second = `${word} ${list(others.map((o) => o.stream))} would have waited ${waits} too under TCP, and ${here}`;
  }
  return {
    sender: h.sender,
    stream: h.stream,
    cause: h.cause,
    from,
    until: h.until,
    filledBy: h.filledBy,
    held,
    sentence: `${first}; ${second}`,
  };
}
