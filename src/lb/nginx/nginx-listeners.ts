import { cpus } from 'node:os';
import { InputError } from '../../wire/input-issue.js';
import { parseDuration } from '../duration.js';
import { listenAddress } from '../listen-address.js';
import type { Backend, BackendChoice, LbConfig, QuicListener, RoutingKey } from '../model.js';
import { parseNginx, type NginxDirective } from './parse-nginx.js';

/** nginx `proxy_timeout` when the config does not set it (ngx_stream_proxy_module) */
const DEFAULT_PROXY_TIMEOUT = 600;

/** variables of the client's address and port, which the replay evaluates per packet */
const ADDRESS_VARIABLES = new Set(['remote_addr', 'binary_remote_addr', 'realip_remote_addr']);
const PORT_VARIABLES = new Set(['remote_port', 'realip_remote_port']);
/** the same for every packet of a listener, and known from the packet: the replay evaluates them */
const CONSTANT_VARIABLES = new Set(['server_addr', 'server_port', 'protocol']);
/**
 * the same for every packet of one nginx, but unknowable from here: the key stays put as the
 * client moves, yet the backend cannot be computed. Anything else ($pid with several
 * workers, $msec, $time_local, maps) may change from one UDP session to the next.
 */
const FIXED_UNKNOWN_VARIABLES = new Set(['hostname', 'nginx_version']);

const find = (ds: readonly NginxDirective[] | undefined, name: string) => (ds ?? []).filter((d) => d.name === name);
const first = (ds: readonly NginxDirective[] | undefined, name: string) => find(ds, name)[0];

/** the variables a `hash` key is built from, `$remote_addr` and `${remote_addr}` alike */
function variablesOf(key: string): string[] {
  return [...key.matchAll(/\$\{?([A-Za-z0-9_]+)\}?/g)].map((m) => m[1]!);
}

interface KeyReading {
  routingKey: RoutingKey;
  /** variables that may change between UDP sessions: the key is as good as per flow */
  changing: string[];
  /** variables fixed for the nginx but unknown to quiclens: the backend cannot be computed */
  hidden: string[];
  /** the key holds nothing of the client: every session hashes to one server */
  constant: boolean;
}

/** what a hash key makes the balancer route by */
function readHashKey(key: string): KeyReading {
  const vars = variablesOf(key);
  const changing = vars.filter((v) => !ADDRESS_VARIABLES.has(v) && !PORT_VARIABLES.has(v) && !CONSTANT_VARIABLES.has(v) && !FIXED_UNKNOWN_VARIABLES.has(v));
  const hidden = vars.filter((v) => FIXED_UNKNOWN_VARIABLES.has(v));
  const port = vars.some((v) => PORT_VARIABLES.has(v));
  const address = vars.some((v) => ADDRESS_VARIABLES.has(v));
  const routingKey: RoutingKey = changing.length > 0 ? 'four_tuple' : port ? 'source_address_port' : address ? 'source_address' : 'four_tuple';
  return { routingKey, changing, hidden, constant: changing.length === 0 && !port && !address };
}

function backendsOf(upstream: NginxDirective): { backends: Backend[]; skipped: string[] } {
  const backends: Backend[] = [];
  const skipped: string[] = [];
  for (const s of find(upstream.children, 'server')) {
    const [address, ...params] = s.args;
    if (!address) continue;
    // backup servers take traffic only when the others fail; down ones never, but nginx's
    // hash still counts them in the total weight and tries again when it lands on one
    if (params.includes('backup')) {
      skipped.push(`${address} (backup)`);
      continue;
    }
    const weightText = params.find((p) => p.startsWith('weight='))?.slice(7) ?? '1';
    const weight = Number(weightText);
    // nginx itself refuses the config (ngx_stream_upstream_server): say so, as `nginx -t` would
    if (!/^\d+$/.test(weightText) || weight < 1) {
      throw new InputError({ file: s.location.file, line: s.location.line, column: s.location.column ?? 1, message: `invalid server weight '${weightText}': nginx expects a whole number of 1 or more`, fatal: true });
    }
    backends.push({ address, weight, location: s.location, ...(params.includes('down') ? { down: true } : {}) });
  }
  return { backends, skipped };
}

/** how an `upstream` block picks a server (ngx_stream_upstream_*_module) */
function choiceOf(upstream: NginxDirective): { choice: BackendChoice; routingKey: RoutingKey; notes: string[]; oneBackend?: string } {
  const hash = first(upstream.children, 'hash');
  if (hash) {
    const key = hash.args[0] ?? '';
    const consistent = hash.args[1] === 'consistent';
    const reading = readHashKey(key);
    const notes = [`upstream ${upstream.args[0] || '(unnamed)'} hashes '${key}'${consistent ? ' consistently (ketama)' : ''}`];
    const name = (vs: string[]) => vs.map((v) => `$${v}`).join(', ');
    if (reading.changing.length > 0) {
      notes.push(`the key uses ${name(reading.changing)}, which may change from one UDP session to the next: it is treated as per flow`);
      return { choice: { algorithm: 'opaque', name: 'hash' }, routingKey: reading.routingKey, notes };
    }
    const oneBackend = reading.constant ? `the hash key '${key}' holds nothing of the client: every session hashes to the same server` : undefined;
    if (reading.hidden.length > 0) {
      notes.push(`the key uses ${name(reading.hidden)}, fixed for this nginx but unknown here: the replay can tell when the key changes, not which server it picks`);
      return { choice: { algorithm: 'opaque', name: 'hash' }, routingKey: reading.routingKey, notes, ...(oneBackend ? { oneBackend } : {}) };
    }
    return { choice: { algorithm: consistent ? 'nginx_chash' : 'nginx_hash', key }, routingKey: reading.routingKey, notes, ...(oneBackend ? { oneBackend } : {}) };
  }
  const method = ['least_conn', 'random', 'least_time'].find((m) => first(upstream.children, m)) ?? 'round_robin';
  return {
    choice: { algorithm: 'opaque', name: method },
    routingKey: 'four_tuple',
    notes: [`upstream ${upstream.args[0] || '(unnamed)'} balances by ${method.replace('_', ' ')}: each new UDP session (a new client address and port) may get another server`],
  };
}

/**
 * nginx `stream` sees UDP datagrams, not QUIC: it cannot route by connection ID. The best
 * it can do is a hash of the client address, which survives NAT rebinding only.
 */
function streamAdvice(key: RoutingKey, backends: number): string {
  if (backends <= 1) return '';
  const cid =
    'nginx stream cannot read QUIC connection IDs; to keep a client whose address changes, terminate QUIC in nginx (`listen 443 quic reuseport;` with `quic_bpf on;`) or put a balancer that routes by connection ID (QUIC-LB) in front';
  if (key === 'source_address') return `${cid}.`;
  return `use \`hash $remote_addr consistent;\` in the upstream block so that a port change (NAT rebinding) keeps its server; ${cid}.`;
}

function http3Advice(key: RoutingKey, reuseport: boolean): string {
  if (key === 'connection_id') return '';
  if (!reuseport) return 'add `reuseport` to the `listen … quic` directive and `quic_bpf on;` to the main context (Linux), so each packet reaches the worker that owns its connection ID.';
  return 'add `quic_bpf on;` to the main context (Linux): an eBPF program then steers each packet to the worker that owns its connection ID; or run one worker (`worker_processes 1;`).';
}

function streamListeners(stream: NginxDirective): QuicListener[] {
  const upstreams = new Map(find(stream.children, 'upstream').map((u) => [u.args[0] ?? '', u]));
  const streamTimeout = first(stream.children, 'proxy_timeout');
  const out: QuicListener[] = [];
  for (const server of find(stream.children, 'server')) {
    const listens = find(server.children, 'listen').filter((l) => l.args.includes('udp'));
    const pass = first(server.children, 'proxy_pass');
    if (listens.length === 0) continue;
    if (!pass) {
      // nginx -t refuses a stream server with nowhere to send (often a `;` left out above)
      const at = listens[0]!.location;
      throw new InputError({ file: at.file, line: at.line, column: at.column ?? 1, message: `a stream server listening on UDP needs proxy_pass; its listen reads '${listens[0]!.args.join(' ')}' (a ';' missing?)`, fatal: true });
    }
    const target = pass.args[0] ?? '';
    const upstream = upstreams.get(target);
    const timeoutDirective = first(server.children, 'proxy_timeout') ?? streamTimeout;
    const seconds = timeoutDirective ? parseDuration(timeoutDirective.args[0] ?? '') : DEFAULT_PROXY_TIMEOUT;
    const sticky = {
      key: 'four_tuple' as const,
      ...(seconds !== undefined ? { seconds } : {}),
      source: timeoutDirective ? `proxy_timeout ${timeoutDirective.args[0] ?? '(no value)'} (line ${timeoutDirective.location.line})` : 'proxy_timeout default 10m',
    };
    for (const listen of listens) {
      const base = {
        location: listen.location,
        kind: 'nginx-stream-udp',
        listen: listenAddress(listen.args[0] ?? '') ?? listen.args[0] ?? '',
        terminates: false,
        sticky,
      };
      if (upstream) {
        const { backends, skipped } = backendsOf(upstream);
        const { choice, routingKey, notes, oneBackend } = choiceOf(upstream);
        if (skipped.length > 0) notes.push(`not counted: ${skipped.join(', ')}`);
        out.push({
          ...base,
          routingKey,
          backends,
          choice,
          ...(oneBackend ? { oneBackend } : {}),
          notes: [`proxy_pass ${target} (line ${pass.location.line})`, ...notes],
          advice: oneBackend ? '' : streamAdvice(routingKey, backends.length),
        });
      } else if (target.includes('$')) {
        out.push({
          ...base,
          routingKey: 'four_tuple',
          backends: [],
          choice: { algorithm: 'opaque', name: 'variable' },
          notes: [`proxy_pass ${target} chooses the server from a variable quiclens cannot evaluate`],
          advice: streamAdvice('four_tuple', 2),
        });
      } else {
        out.push({
          ...base,
          routingKey: 'four_tuple',
          backends: [{ address: target, weight: 1, location: pass.location }],
          choice: { algorithm: 'opaque', name: 'single' },
          notes: [`proxy_pass ${target}: one server${upstreams.size > 0 ? ' (no upstream block of that name in this file)' : ''}`],
          advice: '',
        });
      }
    }
  }
  return out;
}

/** worker processes: `worker_processes N|auto`, 1 when unset (ngx_core_module) */
function workerCount(top: readonly NginxDirective[]): { n: number; text: string } {
  const d = first(top, 'worker_processes');
  if (!d) return { n: 1, text: 'worker_processes unset (1 worker)' };
  if (d.args[0] === 'auto') return { n: Math.max(2, cpus().length), text: `worker_processes auto (one per CPU) at line ${d.location.line}` };
  const n = Number(d.args[0]);
  return { n: Number.isInteger(n) && n > 0 ? n : 1, text: `worker_processes ${d.args[0] ?? '(no value)'} at line ${d.location.line}` };
}

function http3Listeners(top: readonly NginxDirective[], http: NginxDirective): QuicListener[] {
  const workers = workerCount(top);
  const bpf = first(top, 'quic_bpf');
  const bpfOn = bpf?.args[0] === 'on';
  // `reuseport` may be written on one `listen` of an address and applies to all (ngx_http_core_module)
  const all = find(http.children, 'server').flatMap((s) => find(s.children, 'listen').filter((l) => l.args.includes('quic')));
  const byAddress = new Map<string, NginxDirective[]>();
  for (const l of all) {
    const address = listenAddress(l.args[0] ?? '') ?? l.args[0] ?? '';
    byAddress.set(address, [...(byAddress.get(address) ?? []), l]);
  }
  const out: QuicListener[] = [];
  for (const [address, listens] of byAddress) {
    const reuseport = listens.some((l) => l.args.includes('reuseport'));
    const notes = [workers.text];
    let routingKey: RoutingKey;
    if (workers.n === 1) {
      routingKey = 'connection_id';
      notes.push('one worker process holds every connection, so its packets reach it from any address');
    } else if (reuseport && bpfOn) {
      routingKey = 'connection_id';
      notes.push(`quic_bpf on (line ${bpf!.location.line}) with reuseport: an eBPF program steers each packet to the worker that owns its connection ID`);
    } else if (reuseport) {
      routingKey = 'four_tuple';
      notes.push('reuseport without quic_bpf: the kernel picks a worker by hashing the 4-tuple, so a client whose address or port changes reaches another worker, which does not know the connection');
    } else {
      routingKey = 'random';
      notes.push('several workers share one socket without reuseport: whichever worker wakes first reads a packet, whether or not it holds the connection (nginx recommends reuseport with quic)');
    }
    out.push({
      location: listens[0]!.location,
      kind: 'nginx-http3',
      listen: address,
      routingKey,
      backends: [],
      choice: { algorithm: 'opaque', name: 'worker' },
      terminates: true,
      notes,
      advice: http3Advice(routingKey, reuseport),
    });
  }
  return out;
}

/** An nginx config (with its includes) as QUIC listeners: HTTP/3 servers and `stream` UDP proxies. */
export function readNginx(file: string, text?: string): LbConfig {
  const top = parseNginx(file, text);
  const listeners = [...find(top, 'http').flatMap((h) => http3Listeners(top, h)), ...find(top, 'stream').flatMap((s) => streamListeners(s))];
  return { file, kind: 'nginx', listeners };
}
