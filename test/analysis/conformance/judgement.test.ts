import { describe, expect, it } from 'vitest';
import { Judgement } from '../../../src/analysis/conformance/judgement.js';
import { parseExpect } from '../../../src/cli/check-command.js';

describe('Judgement: a rule fails on any broken condition, else is unknown on any unjudged one, else passes', () => {
  it.each([
    { held: 2, broken: 0, unjudged: 0, verdict: 'pass', reason: 'held 0; held 1', frames: [1, 2] },
    { held: 2, broken: 0, unjudged: 1, verdict: 'unknown', reason: 'unjudged 0', frames: [30] },
    { held: 1, broken: 1, unjudged: 1, verdict: 'fail', reason: 'broken 0', frames: [20] },
    { held: 0, broken: 2, unjudged: 0, verdict: 'fail', reason: 'broken 0; broken 1', frames: [20, 21] },
  ])('$held held, $broken broken, $unjudged unjudged: $verdict', ({ held, broken, unjudged, verdict, reason, frames }) => {
    const j = new Judgement('retry');
    for (let i = 0; i < held; i++) j.holds(`held ${i}`, [2 - i, null]);
    for (let i = 0; i < broken; i++) j.breaks(`broken ${i}`, [20 + i]);
    for (let i = 0; i < unjudged; i++) j.unknown(`unjudged ${i}`, [30 + i, undefined]);
    expect(j.verdict()).toEqual({ case: 'retry', verdict, reason, frames, connections: [] });
  });

  it('reads a three-valued condition', () => {
    const v = (x: boolean | null) => new Judgement('ecn').check(x, 'yes', 'no', 'why not', [7]).verdict();
    expect([v(true), v(false), v(null)].map((r) => [r.verdict, r.reason])).toEqual([['pass', 'yes'], ['fail', 'no'], ['unknown', 'why not']]);
  });
});

describe('--expect', () => {
  it('takes comma-separated and repeated names, each once, in order', () => {
    expect(parseExpect(['retry, handshake', 'retry,ecn'])).toEqual(['retry', 'handshake', 'ecn']);
  });
  it('names the cases it does not know, and the ones it does', () => {
    expect(() => parseExpect('handshake,0rtt,keyupdates')).toThrow("--expect: no test case '0rtt', 'keyupdates'; the test cases are handshake, transfer, retry");
    expect(() => parseExpect(' , ')).toThrow('--expect needs at least one test case');
  });
});
