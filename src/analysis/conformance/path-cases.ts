import type { Connection } from '../connection.js';
import { unreadReason } from '../finding.js';
import type { Migration } from '../migrations.js';
import type { CaseVerdict, TestCaseName } from './test-cases.js';
import { expectHandshakes, Judgement, type CaseInputs } from './judgement.js';

type PathCase = Extract<TestCaseName, 'rebind-port' | 'rebind-addr' | 'connectionmigration'>;

/** the path changes a case is about, and what it wants when there are none */
const MOVES: Record<PathCase, { pick(m: Migration): boolean | null; none: string }> = {
  // the client's port changed under the same IP address
  'rebind-port': { pick: (m) => (m.side !== 'client' ? false : m.addressChanged === null ? null : !m.addressChanged), none: "the client's port never changed under the same address" },
  // the client's IP address changed
  'rebind-addr': { pick: (m) => (m.side !== 'client' ? false : m.addressChanged), none: "the client's IP address never changed" },
  // any move the client made on purpose, to a new address of its own or to the server's preferred address
  connectionmigration: { pick: (m) => m.kind !== 'probe_only', none: 'the connection never moved to a new path' },
};

/**
 * runner `rebind-port`, `rebind-addr`, `connectionmigration`: the server's first packet on
 * each new path carries a PATH_CHALLENGE (RFC 9000 §9.3; on a move to its preferred
 * address, a PATH_CHALLENGE in any of its packets there), every PATH_CHALLENGE there is
 * answered (§8.2.2); for connectionmigration, the client's first packet on each new path
 * uses a connection ID it had not used (§9.5). The path changes and their challenges come
 * from the migrations analysis; the server's first packet on each path from CaseEvidence.
 */
export function pathCase(name: PathCase, inp: CaseInputs): CaseVerdict {
  const j = new Judgement(name);
  const conns = expectHandshakes(j, inp, 1);
  const moves: { c: Connection; m: Migration }[] = [];
  let unknownMoves = 0;
  for (const c of conns) {
    for (const m of inp.migrations(c)) {
      const picked = MOVES[name].pick(m);
      if (picked === true) moves.push({ c, m });
      else if (picked === null) unknownMoves++;
    }
  }
  if (moves.length === 0) {
    if (unknownMoves > 0) j.unknown(`${unknownMoves} path change${unknownMoves === 1 ? '' : 's'} whose addresses the input does not give`);
    else j.breaks(MOVES[name].none);
    return j.verdict();
  }
  for (const { c, m } of moves) {
    j.holds(`connection ${c.id}: ${m.kind ?? 'path change'} ${m.from} → ${m.to} (frame ${m.frame})`, [m.frame]);
    if (name === 'connectionmigration') {
      j.check(m.newDcid, `the client's packets on the new path use a new connection ID`, `frame ${m.frame}: the client's first packet on the new path ${m.to} used a connection ID it had used before (RFC 9000 §9.5)`, "the input does not give the client's connection IDs", [m.frame]);
    }
    const unanswered = m.challenges.filter((ch) => !ch.response);
    for (const ch of unanswered) j.breaks(`the ${ch.by}'s PATH_CHALLENGE ${ch.data} (frame ${ch.frame}) was never answered`, [ch.frame]);
    if (m.challenges.length > 0 && unanswered.length === 0) {
      j.holds(`all ${m.challenges.length} PATH_CHALLENGEs on the new path answered`, m.challenges.flatMap((ch) => [ch.frame, ch.response?.frame]));
    } else if (m.challenges.length === 0) {
      if (m.facts.validated.evidence === 'unknown' || m.facts.validated.evidence === 'inferred') j.unknown(`connection ${c.id}, frame ${m.frame}: the path's PATH_CHALLENGE/PATH_RESPONSE frames were not read (${m.facts.validated.reason})`, [m.frame]);
      else j.breaks(`connection ${c.id}, frame ${m.frame}: no PATH_CHALLENGE on the new path ${m.to}`, [m.frame]);
    }
  }
  // the runner's rule on the server's side: its first packet on each new path challenges it
  for (const c of conns) {
    const legs = new Set(inp.legs(c).map((l) => `${l.server}>${l.client}`));
    for (const p of inp.evidence(c).serverNewPaths) {
      if (legs.has(p.path)) continue;
      const shown = p.path.replace('>', ' → ');
      // a move to the server's preferred address (RFC 9000 §9.6.2): the server's first packet
      // there answers the client's probe, and it must probe the path back, in any later packet
      const serverMove = p.challenge !== true ? inp.migrations(c).find((m) => m.side === 'server' && p.path.startsWith(`${m.to}>`)) : undefined;
      const probe = serverMove?.challenges.find((ch) => ch.by === 'server');
      if (serverMove && probe) j.holds(`the server's first packet from its preferred address ${shown} (frame ${p.frame}) answers the client's probe; it challenged the path itself at frame ${probe.frame} (RFC 9000 §9.6.2)`, [p.frame, probe.frame]);
      else if (p.challenge === true) j.holds(`the server's first packet on ${shown} (frame ${p.frame}) carries a PATH_CHALLENGE`, [p.frame]);
      else if (p.challenge === false) j.breaks(`the server's first packet on ${shown} (frame ${p.frame}) carries no PATH_CHALLENGE`, [p.frame]);
      else j.unknown(`the server's first packet on ${shown} (frame ${p.frame}) was not read (${p.unreadReason ? unreadReason(p.unreadReason) : 'unknown'})`, [p.frame]);
    }
  }
  return j.verdict();
}
