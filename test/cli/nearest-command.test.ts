import { describe, expect, it } from 'vitest';
import { nearestCommand, subcommandProblem } from '../../src/cli/nearest-command.js';

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

describe('subcommandProblem: the second word of lb and export', () => {
  it.each([
    ['lb', 'chek', "unknown lb command 'chek': did you mean 'check'?"],
    ['lb', 'decod', "unknown lb command 'decod': did you mean 'decode'?"],
    ['lb', 'nginx.conf', "unknown lb command 'nginx.conf': expected 'check' or 'decode'"],
    ['export', 'qlgo', "unknown export command 'qlgo': did you mean 'qlog'?"],
  ])('%s %s', (command, word, said) => expect(subcommandProblem(command, word)).toBe(said));

  it.each([
    ['lb', 'check'],
    ['lb', '--help'],
    ['lb', undefined],
    ['summary', 'anything'],
  ])('%s %s: fine', (command, word) => expect(subcommandProblem(command, word)).toBeUndefined());
});
