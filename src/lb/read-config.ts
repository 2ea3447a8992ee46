import { readBoundedText } from '../wire/bounded-file.js';
import { InputError } from '../wire/input-issue.js';
import { MAX_CONFIG_BYTES } from './config-limits.js';
import { readEnvoy } from './envoy/envoy-listeners.js';
import { readHaproxy } from './haproxy/haproxy-listeners.js';
import { readIpvs } from './ipvs/ipvs-listeners.js';
import { readKubernetes } from './kubernetes/service-listeners.js';
import type { ConfigKind, LbConfig } from './model.js';
import { readNginx } from './nginx/nginx-listeners.js';
import { readQuicLb } from './quic-lb-listeners.js';

export const CONFIG_KINDS: readonly ConfigKind[] = ['nginx', 'haproxy', 'envoy', 'kubernetes', 'ipvs', 'quic-lb'];

export interface ReadConfigOptions {
  kind?: ConfigKind;
  /** HAProxy: the version the config is written for (migration support depends on it) */
  haproxyVersion?: string;
}

/** the kind of a config, from what it says rather than its name; undefined when nothing fits */
export function sniffConfigKind(text: string): ConfigKind | undefined {
  const meaningful = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (meaningful.length > 0 && meaningful.every((l) => /^(-[Aa]|--add-service|--add-server)\s/.test(l))) return 'ipvs';
  // a key at the start of a YAML line, or a quoted key after `{` or `,` in JSON
  const hasKey = (key: string, value = '') =>
    new RegExp(`(?:^\\s*["']?${key}["']?|[{,]\\s*["']${key}["'])\\s*:\\s*${value}`, 'm').test(text);
  if (hasKey('kind', `["']?quic-lb\\b`)) return 'quic-lb';
  if (hasKey('static_resources')) return 'envoy';
  if (hasKey('apiVersion') && hasKey('kind')) return 'kubernetes';
  if (/^(global|defaults|frontend|listen|backend)\b/m.test(text) && /^\s+bind\s/m.test(text)) return 'haproxy';
  if (/^\s*(http|stream|events|worker_processes|include|load_module)\b[^\n]*[{;]/m.test(text)) return 'nginx';
  return undefined;
}

/** Reads one load-balancer config into the routing model; InputError when it cannot. */
export function readLbConfig(file: string, options: ReadConfigOptions = {}): LbConfig {
  // bounded, and a FIFO with no writer is refused rather than waited on
  const text = readBoundedText(file, { maxBytes: MAX_CONFIG_BYTES, what: 'a load-balancer config file' });
  return parseLbConfig(file, text, options);
}

/** A config's text, already read, into the routing model; InputError when it cannot. */
export function parseLbConfig(file: string, text: string, options: ReadConfigOptions = {}): LbConfig {
  const kind = options.kind ?? sniffConfigKind(text);
  switch (kind) {
    case 'nginx':
      return readNginx(file, text);
    case 'haproxy':
      return readHaproxy(file, text, options.haproxyVersion);
    case 'envoy':
      return readEnvoy(file, text);
    case 'kubernetes':
      return readKubernetes(file, text);
    case 'ipvs':
      return readIpvs(file, text);
    case 'quic-lb':
      return readQuicLb(file, text);
    default:
      throw new InputError({
        file,
        line: 1,
        message: `not a load-balancer config quiclens knows: expected nginx, HAProxy, Envoy (YAML/JSON), Kubernetes manifests, ipvsadm-save output or a QUIC-LB file; name the kind with --kind (${CONFIG_KINDS.join(', ')})`,
        fatal: true,
      });
  }
}
