import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { KEYLOG_OPTION } from './common-options.js';
import { PacketSession } from '../analysis/read-packets.js';
import type { ConfigKind, LbConfig } from '../lb/model.js';
import { DEFAULT_QUIC_PORTS, splitByQuicPort } from '../lb/quic-ports.js';
import { CONFIG_KINDS, readLbConfig } from '../lb/read-config.js';
import { LbReplay } from '../lb/replay.js';
import { breaksMigration, judge } from '../lb/verdicts.js';
import { palette } from '../report/colour.js';
import { lbSarif, lbTable, lbToJson, type LbCheck } from '../report/lb-report.js';
import { InputError } from '../wire/input-issue.js';
import { openInputs } from './inputs.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';
import { Output } from './output.js';
import { ProblemReporter } from './problems.js';

export interface LbCheckOptions {
  configs: string[];
  quicPort: number[];
  capture?: string;
  keylog: string[];
  kind?: ConfigKind;
  format: 'table' | 'json' | 'sarif';
  haproxyVersion?: string;
  color: boolean;
}

export function withLbCheckOptions<T>(y: Argv<T>) {
  return y
    .positional('configs', { describe: 'load-balancer config files, recognised by content', type: 'string', array: true, demandOption: true })
    .option('capture', { requiresArg: true, describe: "replay this capture's client packets through the configs", type: 'string' })
    .option('keylog', { ...KEYLOG_OPTION, describe: 'TLS key log for the capture (to read the connection IDs it issues); repeatable' })
    .option('kind', { requiresArg: true, describe: 'the config kind, when its content does not say', choices: CONFIG_KINDS })
    .option('haproxy-version', {
      requiresArg: true,
      describe: 'the HAProxy version the config is written for, as 2.8 or 2.7.0 (migration support depends on it)',
      type: 'string',
      coerce: (v: string | undefined) => {
        if (v !== undefined && !/^v?\d+\.\d+(\.\d+)?$/.test(v)) throw new Error(`--haproxy-version expects a version such as 2.8 or 2.7.0, got '${v}'`);
        return v;
      },
    })
    .option('quic-port', {
      describe: 'a UDP port that carries QUIC (repeatable, or a comma list); UDP listeners on other ports are listed as skipped',
      type: 'string',
      requiresArg: true,
      coerce: (v: string | string[] | undefined) => {
        const words = v === undefined ? [] : [v].flat().flatMap((w) => String(w).split(','));
        const ports = words.map((w) => w.trim()).filter((w) => w !== '').map((w) => {
          const p = Number(w);
          if (!/^\d+$/.test(w) || p < 1 || p > 65535) throw new Error(`--quic-port expects UDP port numbers (1-65535), got '${w}'`);
          return p;
        });
        return ports.length > 0 ? ports : [...DEFAULT_QUIC_PORTS];
      },
      default: DEFAULT_QUIC_PORTS.join(','),
      defaultDescription: DEFAULT_QUIC_PORTS.join(','),
    })
    .option('format', { requiresArg: true, describe: 'output format', choices: ['table', 'json', 'sarif'] as const, default: 'table' as const })
    .option('color', { describe: 'colour on a terminal (--no-color to turn off)', type: 'boolean', default: true });
}

export function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}

async function replay(path: string, configs: LbConfig[], keylogs: string[], problems: ProblemReporter): Promise<LbCheck['replay']> {
  const keys = readKeyLogs(keylogs, problems);
  const session = new PacketSession({ keylog: keys });
  const lb = new LbReplay(configs.flatMap((c) => c.listeners));
  for await (const file of openInputs([path], problems)) {
    for await (const ev of session.read(file)) {
      if (ev.kind === 'issue') problems.report(ev.issue);
      else if (ev.kind === 'packet') lb.observe(ev.packet);
    }
  }
  reportUnmatchedKeyLogs(keys, problems);
  return { capture: path, portsDiffered: lb.portsDiffered, connections: lb.result() };
}

/** the configs that can be read; each one that cannot is reported (exit 2) and the rest still checked */
export function readLbConfigs(files: readonly string[], opts: Pick<LbCheckOptions, 'kind' | 'haproxyVersion'>, problems: ProblemReporter): LbConfig[] {
  const configs: LbConfig[] = [];
  for (const file of files) {
    try {
      configs.push(readLbConfig(file, { ...(opts.kind ? { kind: opts.kind } : {}), ...(opts.haproxyVersion ? { haproxyVersion: opts.haproxyVersion } : {}) }));
    } catch (err) {
      if (err instanceof InputError) problems.report(err.issue);
      else throw err;
    }
  }
  return configs;
}

/**
 * `quiclens lb check`: each config's QUIC listeners, what they route by and whether a
 * moving client keeps its backend; UDP listeners that cannot carry QUIC are listed as
 * skipped, with why, and never fail the check. Exit 1 when a listener would lose it, 2 when a config
 * cannot be read (the others are still checked).
 */
export async function lbCheckCommand(opts: LbCheckOptions): Promise<number> {
  const out = new Output();
  const problems = new ProblemReporter();
  const configs = readLbConfigs(opts.configs, opts, problems);
  // the replay sees every UDP listener: a listener its QUIC connections reach carries QUIC
  const replayed = opts.capture ? await replay(opts.capture, configs, opts.keylog, problems) : undefined;
  const reached = new Set(replayed?.connections.map((c) => c.listen) ?? []);
  const { configs: judged, skipped } = splitByQuicPort(configs, opts.quicPort, reached);
  const check: LbCheck = { configs: judged, skipped, quicPorts: opts.quicPort, ...(replayed ? { replay: replayed } : {}) };
  if (opts.format === 'json') out.write(JSON.stringify(lbToJson(check), null, 2) + '\n');
  else if (opts.format === 'sarif') out.write(JSON.stringify(lbSarif(check, packageVersion()), null, 2) + '\n');
  else out.write(lbTable(check, palette(out.stream, opts.color)));
  await out.flush();
  problems.finish();
  if (problems.exitCode !== 0) return problems.exitCode;
  return judged.some((c) => c.listeners.some((l) => breaksMigration(judge(l).verdicts))) ? 1 : 0;
}
