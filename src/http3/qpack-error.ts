import { WireError } from '../wire/wire-error.js';

/**
 * QPACK bytes that are complete but wrong (a Huffman string that does not decode, RFC 7541
 * Appendix B; a literal longer than any real one). Unlike a WireError for bytes that have
 * not arrived yet, waiting for more cannot mend it: the stream it came on is out of step.
 */
export class QpackError extends WireError {
  constructor(message: string, offset: number) {
    super(message, offset);
    this.name = 'QpackError';
  }
}
