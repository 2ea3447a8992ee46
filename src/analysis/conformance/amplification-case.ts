import type { CaseVerdict } from './test-cases.js';
import { expectHandshakes, Judgement, type CaseInputs } from './judgement.js';

/**
 * runner `amplificationlimit`: before the client's address is validated the server sends
 * at most three times what it received (RFC 9000 §8.1). The amplification audit counts
 * that per client address and reports `amplification_limit_exceeded`; this case reads its
 * finding and its counts. The runner lets 3-4× pass and also wants a certificate chain
 * large enough to hit the limit; ours fails anything over 3× and judges whatever was sent.
 */
export function amplificationCase(inp: CaseInputs): CaseVerdict {
  const j = new Judgement('amplificationlimit');
  const conns = expectHandshakes(j, inp, 1);
  const ids = new Set(conns.map((c) => c.id));
  for (const f of inp.findings) {
    if (f.code === 'amplification_limit_exceeded' && ids.has(f.connection)) j.breaks(`frame ${f.frame}: ${f.message}`, [f.frame]);
  }
  if (j.failed) return j.verdict();
  for (const c of conns) {
    const budgets = (inp.amplification?.(c) ?? []).filter((b) => b.sent > 0);
    if (budgets.length === 0) j.unknown(`connection ${c.id}: no server bytes counted before validation`);
    for (const b of budgets) {
      if (b.received === 0) j.unknown(`connection ${c.id}: the input gives no datagram sizes for ${b.client}`);
      else j.holds(`before validating ${b.client} the server sent ${b.sent} bytes, within 3 × the ${b.received} it received (${(b.sent / b.received).toFixed(2)}×)`);
    }
  }
  return j.verdict();
}
