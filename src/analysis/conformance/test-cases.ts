/**
 * The QUIC interop runner's test cases (quic-interop-runner, testcases_quic.py) that a
 * capture alone can judge, by the runner's own names. docs/check.md gives each rule.
 */
export const TEST_CASES = [
  'handshake',
  'transfer',
  'retry',
  'resumption',
  'zerortt',
  'keyupdate',
  'rebind-port',
  'rebind-addr',
  'connectionmigration',
  'amplificationlimit',
  'ecn',
  'v2',
] as const;

export type TestCaseName = (typeof TEST_CASES)[number];

export function isTestCase(name: string): name is TestCaseName {
  return (TEST_CASES as readonly string[]).includes(name);
}

/**
 * `pass`: every condition of the rule holds, proven by the packets. `fail`: a condition is
 * proven broken. `unknown`: nothing proven broken, but a condition rests on packets that
 * could not be read (no keys) or an input that does not carry the fact (a qlog without
 * IP headers); `reason` says which.
 */
export type VerdictStatus = 'pass' | 'fail' | 'unknown';

export interface CaseVerdict {
  case: TestCaseName;
  verdict: VerdictStatus;
  /** one or a few sentences: what held, what broke, or what could not be read */
  reason: string;
  /** the records the verdict rests on (Wireshark frame numbers), in order */
  frames: number[];
  /** the connections it looked at */
  connections: number[];
}
