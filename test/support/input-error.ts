import { InputError } from '../../src/wire/input-issue.js';

/** the InputError that `f` throws; any other outcome fails the test */
export function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}
