import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

// The README and the docs show commands with their output: each must still print what it
// shows ("…" stands for lines left out). Examples that need a file made on the spot are
// left to their own tests.
const pages = ['README.md', ...readdirSync(join(REPO, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
const examples = pages
  .flatMap((page) => [...readFileSync(join(REPO, page), 'utf8').matchAll(/```\n\$ (node bin\/quiclens\.js[^\n]*)\n([\s\S]*?)```/g)])
  .map(([, command, output]) => ({ command: command!, output: output! }))
  // a block of several commands shows no output to check
  .filter((e) => !e.command.includes('/tmp/') && e.output.trim() !== '' && !e.output.split('\n').some((l) => l.startsWith('$ ')));

describe('the examples in the README and docs print what they show', () => {
  it('there are examples to check', () => expect(examples.length).toBeGreaterThan(5));
  it.each(examples.map((e) => [e.command, e] as const))('%s', (_c, e) => {
    const [command, pipe] = e.command.split(' | ');
    const args = command!.split(' ').slice(1);
    // the examples are laid out for no particular width: a COLUMNS in the environment would widen the packets table
    const env = { ...process.env, COLUMNS: '' };
    const r = spawnSync('node', [...args, ...(args.includes('--no-color') ? [] : ['--no-color'])], { cwd: REPO, encoding: 'utf8', env });
    let lines = r.stdout.trimEnd().split('\n');
    const head = pipe?.match(/^head -(\d+)$/);
    if (head) lines = lines.slice(0, Number(head[1]));
    const shown = e.output.trimEnd().split('\n').filter((l) => l !== '…');
    expect(shown.filter((l) => !lines.includes(l))).toEqual([]);
  });
});
