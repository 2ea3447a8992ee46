/**
 * The readers hand over their items in batches (one per chunk of input read), so that a
 * packet costs no promise of its own on its way through the pipeline's layers. This is
 * the one-at-a-time view of such a stream, for callers that want it.
 */
export async function* unbatch<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}
