import { amplificationCase } from './amplification-case.js';
import { ecnCase } from './ecn-case.js';
import { handshakeCase, retryCase, transferCase, v2Case } from './handshake-cases.js';
import type { CaseInputs } from './judgement.js';
import { keyUpdateCase } from './keyupdate-case.js';
import { pathCase } from './path-cases.js';
import { resumptionCase, zeroRttCase } from './resumption-cases.js';
import type { CaseVerdict, TestCaseName } from './test-cases.js';

const JUDGES: Record<TestCaseName, (inp: CaseInputs) => CaseVerdict> = {
  handshake: handshakeCase,
  transfer: transferCase,
  retry: retryCase,
  resumption: resumptionCase,
  zerortt: zeroRttCase,
  keyupdate: keyUpdateCase,
  'rebind-port': (inp) => pathCase('rebind-port', inp),
  'rebind-addr': (inp) => pathCase('rebind-addr', inp),
  connectionmigration: (inp) => pathCase('connectionmigration', inp),
  amplificationlimit: amplificationCase,
  ecn: ecnCase,
  v2: v2Case,
};

/** The verdict of each expected test case over one capture's connections, in the order asked. */
export function judgeCases(expected: readonly TestCaseName[], inp: CaseInputs): CaseVerdict[] {
  return expected.map((name) => JUDGES[name](inp));
}
