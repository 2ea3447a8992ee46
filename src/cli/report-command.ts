import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { LbReplay } from '../lb/replay.js';
import { DEFAULT_QUIC_PORTS, splitByQuicPort } from '../lb/quic-ports.js';
import { lbToJson } from '../report/lb-report.js';
import { embedPacketBytes } from '../report/html/embed-packets.js';
import { PacketPacker } from '../report/html/packed-packets.js';
import { PAGE_CSS } from '../report/html/page-style.js';
import { renderReportHtml } from '../report/html/render-html.js';
import { buildReportData } from '../report/html/report-data.js';
import { packetToJson } from '../report/packet-json.js';
import { analyseInputs, exitCode } from './analyse-inputs.js';
import { withCommonOptions, withFailOnOption, type CommonOptions } from './common-options.js';
import { packageVersion, readLbConfigs } from './lb-command.js';
import { note } from './notes.js';
import { OutputFile } from './output.js';
import { ProblemReporter } from './problems.js';
import { recoveryDocument } from './recovery-command.js';

export interface ReportOptions extends CommonOptions {
  /** the HTML file: --out, or --output as on every command */
  out?: string;
  lb: string[];
}

export function withReportOptions<T>(y: Argv<T>) {
  return withFailOnOption(withCommonOptions(y))
    .option('out', { describe: 'the HTML file to write (--output is the same)', type: 'string', requiresArg: true })
    .option('lb', {
      describe: 'a load-balancer config to replay the inputs through (as lb check --capture); repeatable',
      type: 'string',
      requiresArg: true,
      coerce: (v: string | string[] | undefined) => (v === undefined ? [] : [v].flat()),
      default: [] as string[],
    })
    .check((argv) => {
      if (argv.out === undefined && argv.output === undefined) throw new Error("'report' writes one HTML file: name it with --out FILE");
      if (argv.out !== undefined && argv.output !== undefined && argv.out !== argv.output) throw new Error('--out and --output name two files: give one');
      // the common --format chooses a text output; this command writes one HTML file
      if (argv.format !== 'table') throw new Error("'report' writes one HTML file (--out); --format does not apply");
      return true;
    });
}

/** where the build put the page's script: beside the built CLI, or under dist/ when run from the sources (tests) */
function pageScript(): string {
  const candidates = ['./report-page/page.global.js', '../../dist/report-page/page.global.js'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the report page's script is missing (looked for ${candidates[0]}): run npm run build`);
  return readFileSync(found, 'utf8');
}

/**
 * `quiclens report`: one self-contained HTML file that shows the inputs: the connections,
 * each handshake as a ladder, the migrations, the findings, every packet, and with --lb
 * the load-balancer replay. The page is drawn from the JSON the other commands print.
 */
export async function reportCommand(opts: ReportOptions): Promise<number> {
  const path = (opts.out ?? opts.output)!;
  // opened first, so that a path that cannot be written fails before the inputs are read
  const file = OutputFile.open(path);
  if (typeof file === 'string') {
    process.stderr.write(`quiclens: ${path}: cannot write the report: ${file}\n`);
    return 2;
  }
  const lines: string[] = [];
  const problems = new ProblemReporter((s) => {
    process.stderr.write(s);
    lines.push(s.replace(/^quiclens: /, '').trimEnd());
  });
  const configs = readLbConfigs(opts.lb, {}, problems);
  const lb = configs.length > 0 ? new LbReplay(configs.flatMap((c) => c.listeners)) : undefined;
  const packer = new PacketPacker();
  const { view } = await analyseInputs(
    opts,
    (p) => {
      lb?.observe(p);
      if (opts.connection === undefined || p.connection.id === opts.connection) packer.add(packetToJson(p));
    },
    problems,
  );
  let lbJson: Record<string, unknown> | undefined;
  if (lb) {
    const replayed = lb.result();
    const { configs: judged, skipped } = splitByQuicPort(configs, DEFAULT_QUIC_PORTS, new Set(replayed.map((c) => c.listen)));
    lbJson = lbToJson({ configs: judged, skipped, quicPorts: DEFAULT_QUIC_PORTS, replay: { capture: opts.inputs.join(', '), portsDiffered: lb.portsDiffered, connections: replayed } });
  }
  const packets = packer.result();
  const data = buildReportData({
    generator: `quiclens ${packageVersion()}`,
    options: { inputs: opts.inputs, keylogs: opts.keylog, lb: opts.lb, connection: opts.connection ?? null },
    view,
    packets: packets.meta,
    ...(view.recovery ? { recovery: recoveryDocument(view) } : {}),
    ...(lbJson ? { lb: lbJson } : {}),
    problems: lines,
  });
  let html: string;
  try {
    html = renderReportHtml(data, embedPacketBytes(packets), pageScript(), PAGE_CSS);
  } catch (err) {
    file.discard();
    throw err;
  }
  file.write(html);
  const problem = file.commit();
  if (problem) problems.report({ file: path, message: `cannot write the report: ${problem}`, fatal: true });
  const code = exitCode(problems, view.findings, opts);
  if (code !== 2) note(`wrote ${path} (${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB, ${data.packets.count} packets, ${view.connections.length} connection${view.connections.length === 1 ? '' : 's'})`);
  return code;
}
