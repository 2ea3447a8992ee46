import { InputError } from '../../wire/input-issue.js';
import { listenAddress } from '../listen-address.js';
import type { LbConfig, QuicListener, SourceLocation } from '../model.js';
import { migrationSupport } from './haproxy-migration.js';

interface Line {
  words: string[];
  location: SourceLocation;
}

/** haproxy.cfg lines: `#` comments, words split on blanks, quotes kept together */
function linesOf(file: string, text: string): Line[] {
  const out: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const words = [...raw.matchAll(/"(?:[^"\\]|\\.)*"|'[^']*'|[^\s#"']+|#.*/g)].map((m) => m[0]).filter((w) => !w.startsWith('#'));
    if (words.length === 0) return;
    out.push({ words, location: { file, line: i + 1, column: raw.search(/\S/) + 1 } });
  });
  return out;
}

const SECTIONS = new Set(['global', 'defaults', 'frontend', 'listen', 'backend', 'peers', 'resolvers', 'userlist', 'program', 'cache', 'ring', 'mailers', 'http-errors', 'crt-store', 'traces']);

/**
 * An HAProxy config's QUIC binds (`bind quic4@…`, `bind quic6@…`). HAProxy terminates QUIC
 * itself; what matters is whether the version the config targets follows a client that
 * moves, and how its threads share the socket.
 */
export function readHaproxy(file: string, text: string, targetVersion?: string): LbConfig {
  let section = '';
  let name = '';
  let nbthread: number | undefined;
  let sawSection = false;
  const binds: { line: Line; section: string; name: string }[] = [];
  for (const line of linesOf(file, text)) {
    const [first] = line.words;
    if (SECTIONS.has(first!) && line.location.column === 1) {
      sawSection = true;
      section = first!;
      name = line.words[1] ?? '';
      continue;
    }
    if (section === 'global' && first === 'nbthread') nbthread = Number(line.words[1]);
    if ((section === 'frontend' || section === 'listen') && first === 'bind') {
      if (line.words.slice(1).some((w) => /^quic[46]@/.test(w))) binds.push({ line, section, name });
    }
  }
  if (!sawSection) {
    throw new InputError({ file, line: 1, column: 1, message: 'expected an HAProxy config: sections such as global, defaults, frontend or listen at the start of a line', fatal: true });
  }
  const migration = migrationSupport(targetVersion);
  const listeners: QuicListener[] = binds.map(({ line, section: s, name: n }) => {
    const spec = line.words.slice(1).find((w) => /^quic[46]@/.test(w))!;
    const family = spec.startsWith('quic6@') ? 6 : 4;
    const addr = spec.slice(6).replace(/^:/, family === 6 ? '[::]:' : '0.0.0.0:');
    const notes = [
      `${s} ${n}: ${spec}`,
      nbthread ? `nbthread ${nbthread}: threads share the port, and HAProxy hands each datagram to the thread that owns its connection ID` : 'threads share the port, and HAProxy hands each datagram to the thread that owns its connection ID',
      migration.note,
    ];
    return {
      location: line.location,
      kind: 'haproxy-quic',
      listen: listenAddress(addr) ?? addr,
      routingKey: 'connection_id',
      backends: [],
      choice: { algorithm: 'opaque', name: 'thread' },
      terminates: true,
      ...(migration.disabled ? { migrationDisabled: migration.disabled } : {}),
      ...(migration.dropsNewPaths ? { dropsNewPaths: migration.dropsNewPaths } : {}),
      notes,
      advice: migration.advice,
    };
  });
  return { file, kind: 'haproxy', listeners };
}
