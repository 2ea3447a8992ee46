import type { QuicListener, RoutingKey, Verdict, Verdicts } from './model.js';

/**
 * What each move does to a routing key on its own. A client's move (RFC 9000 §9) keeps the
 * connection IDs and changes the source address, port or both. A move to the server's
 * preferred address (§9.6) keeps the source and changes the destination: the preferred
 * address is usually a server's own, past the balancer, which is what §9.6 is for, so
 * whatever the key, the move survives only if that address leads to the server that holds
 * the connection (a balancer that routes by CID carries it anywhere it is in front of).
 */
const BY_KEY: Record<RoutingKey, Verdicts> = {
  connection_id: { portChange: 'survives', addressChange: 'survives', preferredAddress: 'survives' },
  quic_lb_server_id: { portChange: 'survives', addressChange: 'survives', preferredAddress: 'survives' },
  source_address: { portChange: 'survives', addressChange: 'breaks', preferredAddress: 'conditional' },
  source_address_port: { portChange: 'breaks', addressChange: 'breaks', preferredAddress: 'conditional' },
  four_tuple: { portChange: 'breaks', addressChange: 'breaks', preferredAddress: 'conditional' },
  random: { portChange: 'breaks', addressChange: 'breaks', preferredAddress: 'conditional' },
};

export interface Judgement {
  verdicts: Verdicts;
  /** why, in plain words, one sentence per move that does not simply survive */
  reasons: string[];
}

const MOVES = { portChange: 'a port change (NAT rebinding)', addressChange: 'an address change (WiFi to LTE)', preferredAddress: "a move to the server's preferred address" } as const;

/** The verdict per move for one listener, with the reasons. */
export function judge(l: QuicListener): Judgement {
  const verdicts: Verdicts = { ...BY_KEY[l.routingKey] };
  const reasons: string[] = [];
  const single = !l.terminates && (l.backends.length === 1 || l.oneBackend !== undefined);
  if (single) {
    // with one backend every packet lands on it, whatever the key
    verdicts.portChange = 'survives';
    verdicts.addressChange = 'survives';
    verdicts.preferredAddress = 'survives';
    reasons.push(l.oneBackend ?? `one backend (${l.backends[0]!.address}): every packet reaches it whatever the routing key`);
  }
  const hashed = l.choice.algorithm !== 'opaque';
  if (!single && l.routingKey === 'source_address' && !hashed && l.sticky?.key === 'source_address') {
    // an affinity entry, not a hash, keeps the address on its backend: only while it lives
    verdicts.portChange = 'conditional';
    reasons.push(`${MOVES.portChange} keeps the client on its backend only while the ${l.sticky.source} affinity entry lives${l.sticky.seconds !== undefined ? ` (${l.sticky.seconds} s)` : ''}`);
  }
  if (!single) {
    const target = l.terminates ? 'worker' : 'backend';
    for (const move of ['portChange', 'addressChange'] as const) {
      if (verdicts[move] !== 'breaks') continue;
      reasons.push(
        l.routingKey === 'random'
          ? `${MOVES[move]}: nothing stable picks the ${target} (any one may take any packet), so the packets can reach another`
          : `${MOVES[move]} changes the ${keyWords(l.routingKey)} the balancer routes by, so the packets can reach another ${target}`,
      );
    }
    if (verdicts.preferredAddress === 'conditional') {
      reasons.push(
        `${MOVES.preferredAddress} survives only if that address leads to the ${l.terminates ? 'worker' : 'backend'} holding the connection: a server's own address past the balancer (as RFC 9000 §9.6 intends), or a balancer that routes it there; through this one it is a new flow, routed afresh`,
      );
    }
  }
  if (l.sticky && l.sticky.key === 'four_tuple' && !single && verdicts.portChange === 'breaks') {
    reasons.push(`a UDP session holds one 4-tuple on its backend (${l.sticky.source}); a new address or port starts a new session`);
  }
  if (l.migrationDisabled) {
    // disable_active_migration forbids the client's own moves, not NAT rebinding or the preferred address (RFC 9000 §18.2)
    verdicts.addressChange = 'breaks';
    reasons.push(`the endpoint does not take migrations: ${l.migrationDisabled}`);
  }
  if (l.dropsNewPaths) {
    verdicts.portChange = 'breaks';
    verdicts.addressChange = 'breaks';
    reasons.push(`the endpoint itself loses a client that moves: ${l.dropsNewPaths}`);
  }
  return { verdicts, reasons };
}

function keyWords(key: RoutingKey): string {
  switch (key) {
    case 'source_address':
      return 'source address';
    case 'source_address_port':
      return 'source address and port';
    case 'four_tuple':
      return '4-tuple (a per-flow session)';
    default:
      return 'connection ID';
  }
}

/** a listener that would lose a migrating client: what `lb check` exits 1 on */
export function breaksMigration(v: Verdicts): boolean {
  return v.portChange === 'breaks' || v.addressChange === 'breaks';
}

export function worst(v: Verdicts): Verdict {
  const all = [v.portChange, v.addressChange, v.preferredAddress];
  return all.includes('breaks') ? 'breaks' : all.includes('conditional') ? 'conditional' : 'survives';
}
