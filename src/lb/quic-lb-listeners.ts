import { InputError } from '../wire/input-issue.js';
import { listenAddress } from './listen-address.js';
import type { Backend, LbConfig, QuicListener } from './model.js';
import { quicLbConfigProblems, type QuicLbConfig } from './quic-lb/config.js';
import { asArray, asRecord, readYamlMappings, scalarText } from './yaml-documents.js';

/** A QUIC-LB listener's configurations, with the backend of each server ID. */
export interface QuicLbListener extends QuicListener {
  quicLb: QuicLbConfig[];
}

function hexField(v: unknown): string | undefined {
  if (typeof v === 'number') return v.toString(16);
  return typeof v === 'string' && /^(0x)?[0-9a-fA-F]+$/.test(v) ? v.replace(/^0x/, '').toLowerCase() : undefined;
}

/**
 * Our QUIC-LB file (docs/lb/quic-lb.md): `kind: quic-lb`, `listen`, and `configs`, each
 * with its config rotation id, server ID and nonce lengths, optional key and the servers
 * by ID. Every limit of draft-ietf-quic-load-balancers is checked.
 */
export function readQuicLb(file: string, text: string): LbConfig {
  const listeners: QuicListener[] = [];
  for (const { doc, root } of readYamlMappings(file, text, 'a QUIC-LB file: a YAML or JSON mapping with kind: quic-lb, listen and configs (docs/lb/quic-lb.md)')) {
    const fail = (path: (string | number)[], message: string): never => {
      const at = doc.at(path);
      throw new InputError({ file, line: at.line, column: at.column, message, fatal: true });
    };
    const listen = typeof root.listen === 'string' || typeof root.listen === 'number' ? listenAddress(String(root.listen)) : undefined;
    if (!listen) fail(['listen'], 'expected `listen: ADDRESS:PORT` (the address the balancer receives QUIC on)');
    const configs: QuicLbConfig[] = [];
    const backends: Backend[] = [];
    const entries = asArray(root.configs);
    if (entries.length === 0) fail(['configs'], 'expected `configs:` with at least one QUIC-LB configuration');
    entries.forEach((entry, ci) => {
      const c = asRecord(entry);
      if (!c) return fail(['configs', ci], 'expected a configuration (configId, serverIdLength, nonceLength, servers)');
      const num = (field: string): number => {
        const v = c[field];
        if (typeof v !== 'number' || !Number.isInteger(v)) return fail(['configs', ci, field], `expected ${field} as a whole number`);
        return v;
      };
      const config: QuicLbConfig = { configId: num('configId'), serverIdLength: num('serverIdLength'), nonceLength: num('nonceLength') };
      if (c.key !== undefined) {
        const key = hexField(c.key);
        if (!key || key.length !== 32) fail(['configs', ci, 'key'], 'expected key as 32 hex digits (16 octets, AES-128)');
        config.key = Buffer.from(key!, 'hex');
      }
      const problems = quicLbConfigProblems(config);
      if (problems.length > 0) fail(['configs', ci], problems.join('; '));
      configs.push(config);
      const servers = Object.entries(asRecord(c.servers) ?? {});
      if (servers.length === 0) fail(['configs', ci], `configuration ${config.configId} has no servers: expected servers: {SERVER_ID: ADDRESS, …}`);
      for (const [id, address] of servers) {
        const sid = hexField(id);
        // a key may be a whole mapping, stringified over lines by the YAML reader: shown on one
        const shown = id.length > 40 || id.includes('\n') ? `${id.split('\n')[0]!.slice(0, 40)}…` : id;
        if (!sid || sid.length !== config.serverIdLength * 2) {
          fail(['configs', ci, 'servers', id], `server ID ${shown} is not ${config.serverIdLength} octets of hex (${config.serverIdLength * 2} digits)`);
        }
        const where = scalarText(address);
        if (where === undefined) fail(['configs', ci, 'servers', id], `server ID ${shown}: expected the server's ADDRESS:PORT`);
        backends.push({ address: where!, weight: 1, serverId: sid!, location: doc.at(['configs', ci, 'servers', id]) });
      }
    });
    const listener: QuicLbListener = {
      location: doc.at(['listen']),
      kind: 'quic-lb',
      listen: listen!,
      routingKey: 'quic_lb_server_id',
      backends,
      choice: { algorithm: 'quic_lb' },
      terminates: false,
      notes: configs.map((c) => `config ${c.configId}: ${c.serverIdLength}-octet server ID, ${c.nonceLength}-octet nonce, ${c.key ? 'encrypted' : 'plaintext'}`),
      advice: '',
      quicLb: configs,
    };
    listeners.push(listener);
  }
  return { file, kind: 'quic-lb', listeners };
}
