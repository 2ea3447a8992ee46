import type { CaseVerdict } from './test-cases.js';
import { expectHandshakes, Judgement, unreadWhy, type CaseInputs } from './judgement.js';

/**
 * runner `resumption`: two handshakes; the first has the server's Certificate, the second
 * has none. Ours also wants the second ServerHello to accept a pre-shared key (RFC 8446
 * §4.2.11): a server that leaves the Certificate out is resuming, and says so there.
 */
export function resumptionCase(inp: CaseInputs): CaseVerdict {
  const j = new Judgement('resumption');
  const conns = expectHandshakes(j, inp, 2);
  if (conns.length < 2) return j.verdict();
  const [first, second] = [conns[0]!, conns.at(-1)!];
  const firstWhy = unreadWhy(inp.evidence(first), 'server', 'handshake');
  j.check(
    first.tls.certificate ? true : firstWhy ? null : false,
    `connection ${first.id}: the server sent its Certificate`,
    `connection ${first.id}: no Certificate in the first handshake`,
    `connection ${first.id}: the server's Certificate would be in Handshake packets not read (${firstWhy})`,
    [inp.handshake(first).events.find((e) => e.event === 'server_handshake')?.frame],
  );
  const secondHs = inp.handshake(second);
  const sh = second.tls.serverHello;
  j.check(
    sh ? sh.pskAccepted : null,
    `connection ${second.id}: the ServerHello accepts the client's pre-shared key`,
    `connection ${second.id}: the ServerHello accepts no pre-shared key: a full handshake`,
    `connection ${second.id}: the ServerHello was not read`,
    [secondHs.events.find((e) => e.event === 'server_initial')?.frame],
  );
  const secondWhy = unreadWhy(inp.evidence(second), 'server', 'handshake');
  j.check(
    second.tls.certificate ? false : secondWhy ? null : true,
    `connection ${second.id}: no Certificate in the second handshake`,
    `connection ${second.id}: the server sent a Certificate in the second handshake`,
    `connection ${second.id}: a Certificate would be in Handshake packets not read (${secondWhy})`,
    [secondHs.events.find((e) => e.event === 'server_handshake')?.frame],
  );
  return j.verdict();
}

/**
 * runner `zerortt`: two handshakes; the client sent 0-RTT data; its 1-RTT packets carried
 * little (the runner: under half the bytes of the request paths). Ours: the resumed
 * connection's 0-RTT packets carried STREAM data, the server accepted it (EncryptedExtensions
 * early_data, RFC 9001 §4.6.1), and the client sent fewer request-stream bytes in 1-RTT than
 * STREAM bytes in 0-RTT: its requests went early.
 */
export function zeroRttCase(inp: CaseInputs): CaseVerdict {
  const j = new Judgement('zerortt');
  const conns = expectHandshakes(j, inp, 2);
  const c = [...conns].reverse().find((x) => inp.zeroRtt(x).attempted);
  if (!c) return j.breaks('no connection attempted 0-RTT').verdict();
  j.about([c]);
  const z = inp.zeroRtt(c);
  const e = inp.evidence(c);
  const sent = inp.handshake(c).events.find((ev) => ev.event === 'zero_rtt_sent')?.frame;
  const zeroWhy = unreadWhy(e, 'client', '0RTT');
  if (z.packets === 0) j.breaks(`connection ${c.id}: the ClientHello offered early data, but no 0-RTT packet was sent`);
  else if (z.bytes > 0) j.holds(`connection ${c.id}: ${z.bytes} STREAM bytes in ${z.packets} 0-RTT packet${z.packets === 1 ? '' : 's'}`, [sent]);
  else if (zeroWhy) j.unknown(`connection ${c.id}: the 0-RTT packets were not read (${zeroWhy})`, [sent]);
  else j.breaks(`connection ${c.id}: its 0-RTT packets carried no STREAM data`, [sent]);
  j.check(z.accepted, `connection ${c.id}: the server accepted 0-RTT (${z.facts.accepted.reason})`, `connection ${c.id}: the server rejected 0-RTT (${z.facts.accepted.reason})`, `connection ${c.id}: whether the server accepted 0-RTT is unknown: ${z.facts.accepted.reason}`);
  const oneWhy = unreadWhy(e, 'client', '1RTT');
  if (oneWhy) j.unknown(`connection ${c.id}: the client's 1-RTT packets were not read (${oneWhy})`);
  else if (z.bytes > 0) {
    const one = e.clientRequestBytes1Rtt;
    if (one < z.bytes) j.holds(`the client sent ${one} request-stream bytes in 1-RTT, fewer than in 0-RTT`);
    else j.breaks(`the client sent ${one} request-stream bytes in 1-RTT, no fewer than the ${z.bytes} in 0-RTT: its requests did not go early`);
  }
  return j.verdict();
}
