import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Argv } from 'yargs';
import { KEYLOG_OPTION } from './common-options.js';
import { PacketSession } from '../analysis/read-packets.js';
import type { ConfigKind, LbConfig } from '../lb/model.js';
import { DEFAULT_QUIC_PORTS, splitByQuicPort } from '../lb/quic-ports.js';
import { listConfigFolder } from '../lb/config-folder.js';
import { MAX_CONFIG_BYTES } from '../lb/config-limits.js';
import { CONFIG_KINDS, parseLbConfig, readLbConfig, sniffConfigKind } from '../lb/read-config.js';
import { findSuppressions, keepConfigText, parseIgnoreSpec, type ConfigTexts, type IgnoreSpec } from '../lb/suppressions.js';
import { LbReplay } from '../lb/replay.js';
import { breaksMigration, judge } from '../lb/verdicts.js';
import { palette } from '../report/colour.js';
import { lbSarif, lbTable, lbToJson, type LbCheck } from '../report/lb-report.js';
import { readBoundedText } from '../wire/bounded-file.js';
import { InputError, type InputIssue } from '../wire/input-issue.js';
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
  /** listeners to skip, FILE:LINE[=REASON] */
  ignore: IgnoreSpec[];
  color: boolean;
}

export function withLbCheckOptions<T>(y: Argv<T>) {
  return y
    .positional('configs', { describe: 'load-balancer config files, recognised by content, or folders of them (walked recursively)', type: 'string', array: true, demandOption: true })
    .option('ignore', {
      requiresArg: true,
      describe: 'skip the listener at FILE:LINE (as the report names it), optionally with =REASON; reported as suppressed, never failing the check; repeatable',
      type: 'string',
      coerce: (v: string | string[] | undefined) =>
        (v === undefined ? [] : [v].flat()).map((arg) => {
          const spec = parseIgnoreSpec(String(arg));
          if (!spec) throw new Error(`--ignore expects FILE:LINE or FILE:LINE=REASON, as the report's 'where' column names a listener, got '${arg}'`);
          return spec;
        }),
      default: [],
      defaultDescription: 'none',
    })
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

/** the problems told on stderr, kept (at most MAX_KEPT) for the SARIF log's notifications and the JSON */
class KeptProblems extends ProblemReporter {
  static readonly MAX_KEPT = 1000;
  readonly kept: InputIssue[] = [];
  override report(issue: InputIssue): void {
    if (this.kept.length < KeptProblems.MAX_KEPT) this.kept.push(issue);
    super.report(issue);
  }
}

/**
 * The configs that can be read; each one that cannot is reported (exit 2) and the rest still
 * checked. With `texts`, each file's text is kept there for its ignore comments.
 */
export function readLbConfigs(files: readonly string[], opts: Pick<LbCheckOptions, 'kind' | 'haproxyVersion'>, problems: ProblemReporter, texts?: ConfigTexts): LbConfig[] {
  const configs: LbConfig[] = [];
  const options = { ...(opts.kind ? { kind: opts.kind } : {}), ...(opts.haproxyVersion ? { haproxyVersion: opts.haproxyVersion } : {}) };
  for (const file of files) {
    try {
      if (!texts) configs.push(readLbConfig(file, options));
      else {
        const text = readBoundedText(file, { maxBytes: MAX_CONFIG_BYTES, what: 'a load-balancer config file' });
        keepConfigText(texts, file, text);
        configs.push(parseLbConfig(file, text, options));
      }
    } catch (err) {
      if (err instanceof InputError) problems.report(err.issue);
      else throw err;
    }
  }
  return configs;
}

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    // a path that cannot be looked at is reported by the reader, as a file
    return false;
  }
};

/**
 * The configs in a folder named on the command line: its files chosen by name
 * (lb/config-folder.ts) and then by content, so a README or a manifest of another kind is
 * listed as not a config rather than failing the check. A file that is a config but cannot
 * be read, or a folder that cannot be walked, is reported (exit 2); the rest are still checked.
 */
function readLbFolder(folder: string, opts: Pick<LbCheckOptions, 'haproxyVersion'>, problems: ProblemReporter, notConfigs: string[], texts: ConfigTexts): LbConfig[] {
  const listing = listConfigFolder(folder);
  for (const issue of listing.issues) problems.report(issue);
  const configs: LbConfig[] = [];
  for (const file of listing.files) {
    try {
      const text = readBoundedText(file, { maxBytes: MAX_CONFIG_BYTES, what: 'a load-balancer config file' });
      const kind = sniffConfigKind(text);
      if (kind === undefined) {
        notConfigs.push(file);
        continue;
      }
      keepConfigText(texts, file, text);
      configs.push(parseLbConfig(file, text, { kind, ...(opts.haproxyVersion ? { haproxyVersion: opts.haproxyVersion } : {}) }));
    } catch (err) {
      if (err instanceof InputError) problems.report(err.issue);
      else throw err;
    }
  }
  return configs;
}

/**
 * The load-balancer docs that came with this copy of quiclens (package.json `files` ships
 * docs/), as a file URI: SARIF's helpUri must be absolute (§3.49.12) and the project has no
 * public address to point at; these pages are the ones that match the version that ran.
 */
export function lbDocsUri(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(join(dirname(require.resolve('../package.json')), 'docs', 'lb') + '/').href;
}

/**
 * `quiclens lb check`: each config's QUIC listeners, what they route by and whether a
 * moving client keeps its backend; UDP listeners that cannot carry QUIC are listed as
 * skipped, with why, and never fail the check. A folder named is walked for its configs.
 * A listener the user skips (an ignore comment on its line, --ignore) is reported as
 * suppressed and does not fail the check either. Exit 1 when a listener not skipped would
 * lose a moving client, 2 when a config or folder cannot be read (the others are still checked).
 */
export async function lbCheckCommand(opts: LbCheckOptions): Promise<number> {
  const out = new Output();
  const problems = new KeptProblems();
  const notConfigs: string[] = [];
  const configs: LbConfig[] = [];
  const texts: ConfigTexts = new Map();
  for (const path of opts.configs) {
    if (isFolder(path)) configs.push(...readLbFolder(path, opts, problems, notConfigs, texts));
    else configs.push(...readLbConfigs([path], opts, problems, texts));
  }
  // the replay sees every UDP listener: a listener its QUIC connections reach carries QUIC
  const replayed = opts.capture ? await replay(opts.capture, configs, opts.keylog, problems) : undefined;
  const reached = new Set(replayed?.connections.map((c) => c.listen) ?? []);
  const { configs: judged, skipped } = splitByQuicPort(configs, opts.quicPort, reached);
  const listeners = judged.flatMap((c) => c.listeners);
  const { suppressed, issues } = findSuppressions(listeners, texts, opts.ignore ?? []);
  for (const issue of issues) problems.report(issue);
  const failed = listeners.some((l) => !suppressed.has(l) && breaksMigration(judge(l).verdicts));
  const exitCode = problems.exitCode !== 0 ? problems.exitCode : failed ? 1 : 0;
  const check: LbCheck = {
    configs: judged,
    skipped,
    quicPorts: opts.quicPort,
    ...(replayed ? { replay: replayed } : {}),
    suppressed,
    notConfigs,
    problems: problems.kept,
  };
  if (opts.format === 'json') out.write(JSON.stringify(lbToJson(check), null, 2) + '\n');
  else if (opts.format === 'sarif') out.write(JSON.stringify(lbSarif(check, { version: packageVersion(), docsUri: lbDocsUri(), exitCode }), null, 2) + '\n');
  else out.write(lbTable(check, palette(out.stream, opts.color)));
  await out.flush();
  problems.finish();
  return exitCode;
}
