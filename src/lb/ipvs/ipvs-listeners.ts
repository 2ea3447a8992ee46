import { InputError } from '../../wire/input-issue.js';
import { listenAddress } from '../listen-address.js';
import type { Backend, BackendChoice, LbConfig, QuicListener, RoutingKey, SourceLocation } from '../model.js';

/** `ipvsadm -p` without a number: 300 s (ipvsadm(8), --persistent) */
const DEFAULT_PERSISTENCE = 300;
/** UDP connection entries idle out after 300 s unless `ipvsadm --set` says otherwise */
const DEFAULT_UDP_TIMEOUT = 300;

interface Service {
  location: SourceLocation;
  vip: string;
  scheduler: string;
  flags: string[];
  persistence?: number;
  backends: Backend[];
}

/** `-x value` and `--long value` options of one ipvsadm-save line */
function options(words: string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-')) continue;
    const next = words[i + 1];
    if (next !== undefined && !next.startsWith('-')) {
      out.set(w, next);
      i++;
    } else out.set(w, true);
  }
  return out;
}

const opt = (o: Map<string, string | true>, ...names: string[]) => names.map((n) => o.get(n)).find((v) => v !== undefined);

/** what a scheduler and its flags route by (ip_vs_sh.c, ip_vs_mh.c; others keep per-connection entries) */
function keyOf(s: Service): { routingKey: RoutingKey; choice: BackendChoice; notes: string[] } {
  const port = s.flags.includes(`${s.scheduler}-port`);
  if (s.scheduler === 'sh' || s.scheduler === 'mh') {
    const name = s.scheduler === 'sh' ? 'source hashing' : 'Maglev hashing';
    return {
      routingKey: port ? 'source_address_port' : 'source_address',
      choice: { algorithm: s.scheduler === 'sh' ? 'ipvs_sh' : 'ipvs_mh', port },
      notes: [
        `scheduler ${s.scheduler} (${name}) of the source address${port ? ` and port (${s.scheduler}-port)` : ''}`,
        // ip_vs_ctl.c adds each real server at the head of the service's list; ipvsadm-save lists them sorted
        `the replay's real servers assume the kernel holds them in the reverse of this file's order, as after ipvsadm-restore of it; a box built another way may order them differently${s.scheduler === 'sh' ? ', which moves most of sh\'s buckets' : ' (Maglev moves few entries for that)'}`,
      ],
    };
  }
  if (s.persistence !== undefined) {
    return {
      routingKey: 'source_address',
      choice: { algorithm: 'opaque', name: s.scheduler },
      notes: [`scheduler ${s.scheduler} with persistence: a client address keeps its real server while its template lives`],
    };
  }
  return {
    routingKey: 'four_tuple',
    choice: { algorithm: 'opaque', name: s.scheduler },
    notes: [`scheduler ${s.scheduler}: each new UDP flow (client address and port) is scheduled afresh`],
  };
}

function listenerOf(s: Service): QuicListener {
  const { routingKey, choice, notes } = keyOf(s);
  const sticky =
    s.persistence !== undefined
      ? { key: 'source_address' as const, seconds: s.persistence, source: `persistence -p ${s.persistence}` }
      : { key: 'four_tuple' as const, seconds: DEFAULT_UDP_TIMEOUT, source: 'the UDP connection entry (ipvsadm --set, default 300 s)' };
  const hashed = s.scheduler === 'sh' || s.scheduler === 'mh';
  let advice = '';
  if (routingKey === 'source_address_port' || routingKey === 'four_tuple') {
    advice = hashed
      ? `drop the ${s.scheduler}-port flag (\`-b ${s.flags.filter((f) => f !== `${s.scheduler}-port`).join(',') || 'none'}\`) so a port change keeps its real server; IPVS cannot read QUIC connection IDs, so an address change still moves the client`
      : 'use `-s mh` (Maglev) or `-s sh` without the -port flag so a port change keeps its real server; IPVS cannot read QUIC connection IDs, so an address change still moves the client';
  } else if (routingKey === 'source_address') {
    advice = 'IPVS cannot read QUIC connection IDs: an address change reaches another real server; put a QUIC-LB aware balancer in front to keep it';
  }
  return {
    location: s.location,
    kind: 'ipvs-udp',
    listen: s.vip,
    routingKey,
    backends: s.backends,
    choice,
    terminates: false,
    sticky,
    notes,
    advice,
  };
}

/** `ipvsadm-save` (or `ipvsadm -S`) output: its UDP virtual services as listeners. */
export function readIpvs(file: string, text: string): LbConfig {
  const services = new Map<string, Service>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const location = { file, line: i + 1, column: 1 };
    const words = line.split(/\s+/);
    const o = options(words);
    const cmd = words[0];
    if (cmd !== '-A' && cmd !== '-a' && cmd !== '--add-service' && cmd !== '--add-server') {
      throw new InputError({ file, line: i + 1, column: 1, message: `expected an ipvsadm-save rule starting with -A or -a, found '${words[0]}'`, fatal: true });
    }
    const udp = opt(o, '-u', '--udp-service');
    if (typeof udp !== 'string') return; // TCP, SCTP and fwmark services carry no QUIC we can place
    const vip = listenAddress(udp) ?? udp;
    if (cmd === '-A' || cmd === '--add-service') {
      const p = opt(o, '-p', '--persistent');
      if (typeof p === 'string' && !/^\d+$/.test(p)) {
        throw new InputError({ file, line: i + 1, column: 1, message: `expected -p SECONDS (a whole number), found '${p.slice(0, 40)}'`, fatal: true });
      }
      const flags = opt(o, '-b', '--sched-flags');
      services.set(vip, {
        location,
        vip,
        scheduler: String(opt(o, '-s', '--scheduler') ?? 'wlc'),
        flags: typeof flags === 'string' ? flags.split(',') : [],
        ...(p !== undefined ? { persistence: p === true ? DEFAULT_PERSISTENCE : Number(p) } : {}),
        backends: [],
      });
      return;
    }
    const service = services.get(vip);
    if (!service) throw new InputError({ file, line: i + 1, column: 1, message: `real server for ${vip}, which no -A line before it defines`, fatal: true });
    const real = opt(o, '-r', '--real-server');
    if (typeof real !== 'string') throw new InputError({ file, line: i + 1, column: 1, message: 'expected -r ADDRESS:PORT on a real-server line', fatal: true });
    const w = opt(o, '-w', '--weight');
    if (w !== undefined && (typeof w !== 'string' || !/^\d+$/.test(w))) {
      throw new InputError({ file, line: i + 1, column: 1, message: `expected -w WEIGHT (a whole number), found '${typeof w === 'string' ? w.slice(0, 40) : 'nothing'}'`, fatal: true });
    }
    service.backends.push({ address: real, weight: Number(w ?? 1), location });
  });
  return { file, kind: 'ipvs', listeners: [...services.values()].map(listenerOf) };
}
