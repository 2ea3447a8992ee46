/**
 * An error in input bytes: where it happened (absolute byte offset in the input) and what
 * was expected there. Decoders throw it; the layer that knows the file name turns it into
 * an InputIssue for the user.
 */
export class WireError extends Error {
  constructor(
    message: string,
    /** absolute offset of the byte that could not be read */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'WireError';
  }
}
