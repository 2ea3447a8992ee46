// Debian's Chromium driven by playwright-core, as the report's browser tests and the bench
// use it: no browser download (CI installs the `chromium` package with apt), a profile of its
// own in a fresh folder removed on close, and nothing that would reach the network on its own
// (background updates, sync, QUIC to Google), so that any request a report makes is its own.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.QUICLENS_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** one browser with one context; close() also removes its profile folder */
export async function launchChromium({ width = 1280, height = 800 } = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH}: no Chromium there (apt-get install chromium, or set QUICLENS_CHROMIUM to its path)`);
  }
  // playwright-core takes the profile folder as launchPersistentContext's first argument,
  // not as --user-data-dir among the args
  const profile = mkdtempSync(join(tmpdir(), 'quiclens-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    viewport: { width, height },
  });
  return {
    context,
    cpuSeconds: () => browserCpuSeconds(profile),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * CPU seconds (user + system) used so far by the browser started on this profile and every
 * process under it (renderers, GPU, network service), from Linux's /proc; on a machine shared
 * with other work this, unlike the wall clock, counts only the browser's own work.
 */
export function browserCpuSeconds(profile) {
  const procs = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // the fields after the command name, which is in parentheses and may hold spaces (proc(5))
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      // utime + stime, and cutime + cstime: the CPU of children it has reaped, so that a renderer
      // that ended between two readings still counts (it is no longer in the tree to be summed)
      procs.set(pid, { ppid: f[1], ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]), root: cmdline.includes(profile) });
    } catch {
      // the process ended while we read
    }
  }
  const inTree = (pid) => {
    for (let p = pid, hops = 0; p && procs.has(p) && hops < 64; p = procs.get(p).ppid, hops++) if (procs.get(p).root) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, p] of procs) if (inTree(pid)) ticks += p.ticks;
  // USER_HZ, 100 on Linux
  return ticks / 100;
}
