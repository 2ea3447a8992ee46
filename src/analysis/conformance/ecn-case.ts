import type { Role } from '../connection.js';
import type { EcnCounts } from './case-evidence.js';
import type { CaseVerdict } from './test-cases.js';
import { expectHandshakes, Judgement, peerOf, unreadWhy, type CaseInputs } from './judgement.js';

/**
 * runner `ecn`: one handshake; each side marks its packets ECT(0) or ECT(1) in the IP
 * header (RFC 9000 §13.4) and its peer reports ECN counts in ACK frames (§19.3.2). The
 * runner also fails a side with any CE-marked packet; ours reports CE marks but does not
 * fail on them: CE is set by a congested router, not by the endpoint judged.
 */
export function ecnCase(inp: CaseInputs): CaseVerdict {
  const j = new Judgement('ecn');
  const conns = expectHandshakes(j, inp, 1);
  for (const side of ['client', 'server'] as const) judgeSide(j, inp, conns, side);
  return j.verdict();
}

function judgeSide(j: Judgement, inp: CaseInputs, conns: ReturnType<typeof expectHandshakes>, side: Role): void {
  const marks: EcnCounts = [0, 0, 0, 0];
  let noHeader = 0;
  for (const c of conns) {
    const e = inp.evidence(c);
    e.ecn[side].forEach((n, i) => (marks[i] = marks[i]! + n));
    noHeader += e.ecnUnknown[side];
  }
  const [notEct, ect1, ect0, ce] = marks;
  const total = notEct + ect1 + ect0 + ce;
  if (ect0 + ect1 > 0) j.holds(`the ${side} marked ${ect0 + ect1} of ${total} datagrams ECT (ECT(0) ${ect0}, ECT(1) ${ect1}, CE ${ce})`);
  else if (noHeader > 0 && total === 0) j.unknown(`the input has no IP headers for the ${side}'s datagrams (a log)`);
  else j.breaks(`the ${side} marked none of its ${total} datagrams ECT(0) or ECT(1)`);
  const peer = peerOf(side);
  const ack = conns.map((c) => inp.evidence(c).ackEcn[peer]).find((a) => a !== null);
  const why = conns.map((c) => unreadWhy(inp.evidence(c), peer, '1RTT') ?? unreadWhy(inp.evidence(c), peer, 'handshake')).find((w) => w !== null);
  if (ack) j.holds(`the ${peer} reported ECN counts in an ACK (frame ${ack.frame}: ECT(0) ${ack.counts[0]}, ECT(1) ${ack.counts[1]}, CE ${ack.counts[2]})`, [ack.frame]);
  else if (why) j.unknown(`no ACK with ECN counts from the ${peer} among the packets read; some were not (${why})`);
  else j.breaks(`the ${peer} sent no ACK with ECN counts`);
}
