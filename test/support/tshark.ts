import { execFileSync, spawnSync } from 'node:child_process';

/** Whether tshark is here. In CI (CI=true) a missing tshark is a failure, never a skip. */
export function haveTshark(): boolean {
  const ok = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env.CI === 'true') throw new Error('tshark is required in CI (apt-get install tshark)');
  return ok;
}

/**
 * Runs tshark over a capture with `-T fields`, one row per record that holds QUIC, each
 * field split into its occurrences (one per QUIC packet of the datagram).
 */
export function tsharkFields(file: string, fields: string[], extra: string[] = []): Map<number, string[][]> {
  const args = ['-r', file, '-Y', 'quic', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', ...extra];
  args.push('-e', 'frame.number', ...fields.flatMap((f) => ['-e', f]));
  const out = execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  const rows = new Map<number, string[][]>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [frame, ...cols] = line.split('\t');
    rows.set(Number(frame), cols.map((c) => (c === '' ? [] : c.split('|'))));
  }
  return rows;
}
