import { existsSync } from 'node:fs';

/** the commands a first word can name (design.md, "The command line") */
export const COMMANDS = ['summary', 'packets', 'timeline', 'migrations', 'recovery', 'streams', 'export', 'crosscheck', 'lb', 'report', 'check', 'index', 'query', 'queue', 'worker'] as const;
/** the commands under a command that has its own */
export const SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = { lb: ['check', 'decode'], export: ['qlog'], queue: ['add', 'status'] };

/** edits (insert, delete, replace, swap two neighbours) that turn a into b: optimal string alignment */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The command a mistyped first word most likely meant (`sumary` → `summary`), or undefined
 * when the word is a command, names a file (the default command takes inputs), or is not
 * close to any command. Close: at most two edits, and fewer than half the word's letters.
 */
export function nearestCommand(word: string): string | undefined {
  if ((COMMANDS as readonly string[]).includes(word) || word.startsWith('-') || existsSync(word)) return undefined;
  return nearest(word, COMMANDS);
}

/**
 * For `lb` and `export`: the usage error their second word earns when it names none of
 * their commands (`lb chek` → did you mean 'check'?), or undefined when it is fine.
 */
export function subcommandProblem(command: string, word: string | undefined): string | undefined {
  const subs = Object.hasOwn(SUBCOMMANDS, command) ? SUBCOMMANDS[command]! : undefined;
  if (!subs || word === undefined || word.startsWith('-') || subs.includes(word)) return undefined;
  const meant = nearest(word, subs);
  const names = subs.map((s) => `'${s}'`).join(' or ');
  return `unknown ${command} command '${word}': ${meant ? `did you mean '${meant}'?` : `expected ${names}`}`;
}

function nearest(word: string, names: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = name.startsWith(lower) && lower.length >= 3 ? 1 : editDistance(lower, name);
    if (distance <= 2 && distance * 2 < Math.max(lower.length, name.length) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/**
 * The names nearest a mistyped one, nearest first (at most `max`): for a field name in
 * `--filter` or `--fields`, where several may be meant (`tpye` → type, time).
 */
export function nearestNames(word: string, names: readonly string[], max = 3): string[] {
  const lower = word.toLowerCase();
  const limit = Math.max(2, Math.floor(lower.length / 3));
  return names
    .map((name) => ({ name, distance: name.toLowerCase().startsWith(lower) && lower.length >= 2 ? 0 : editDistance(lower, name.toLowerCase()) }))
    .filter((n) => n.distance <= limit && n.distance < Math.max(lower.length, n.name.length))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((n) => n.name);
}
