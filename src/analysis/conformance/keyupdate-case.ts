import type { CaseVerdict } from './test-cases.js';
import { expectHandshakes, Judgement, unreadWhy, type CaseInputs } from './judgement.js';

/**
 * runner `keyupdate`: one handshake, and both sides sent 1-RTT packets in key phase 1.
 * Ours reads the timeline's key updates (RFC 9001 §6): each side's key phase changed at a
 * packet numbered past the one that set the old phase, so a reordered packet is no update.
 */
export function keyUpdateCase(inp: CaseInputs): CaseVerdict {
  const j = new Judgement('keyupdate');
  const conns = expectHandshakes(j, inp, 1);
  for (const c of conns) {
    const updates = inp.handshake(c).events.filter((e) => e.event === 'key_update');
    for (const side of ['client', 'server'] as const) {
      const own = updates.filter((e) => e.by === side);
      const why = unreadWhy(inp.evidence(c), side, '1RTT');
      if (own.length > 0) j.holds(`the ${side} changed key phase ${own.length} time${own.length === 1 ? '' : 's'} (first at frame ${own[0]!.frame})`, [own[0]!.frame]);
      else if (why) j.unknown(`the ${side}'s key phase is under header protection, not removed (${why})`);
      else j.breaks(`the ${side} never changed its key phase`);
    }
  }
  return j.verdict();
}
