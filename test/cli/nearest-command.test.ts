import { describe, expect, it } from 'vitest';
import { nearestCommand } from '../../src/cli/nearest-command.js';

describe('nearestCommand: a mistyped first word and the command it meant', () => {
  it.each([
    ['sumary', 'summary'],
    ['summray', 'summary'],
    ['pakcets', 'packets'],
    ['packet', 'packets'],
    ['timelin', 'timeline'],
    ['migration', 'migrations'],
    ['exprot', 'export'],
    ['crosschek', 'crosscheck'],
  ])('%s → %s', (word, meant) => expect(nearestCommand(word)).toBe(meant));

  it.each([
    ['summary', 'a command itself'],
    ['package.json', 'a file that exists (the default command reads it)'],
    ['capture.pcap', 'far from every command'],
    ['ls', 'two letters from lb: too short to be sure'],
    ['--format', 'an option'],
  ])('%s: none (%s)', (word) => expect(nearestCommand(word)).toBeUndefined());
});
