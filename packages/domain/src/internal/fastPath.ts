/**
 * Hand-compiled decoding for the hottest leaf schemas, as an annotation `FastDecode` uses instead of compiling the
 * node. The function must accept exactly the inputs the schema's own decoding accepts and return exactly its decoded
 * value, and `FAIL` for everything else; the FastDecode tests check every annotated schema against its regular decoder.
 * It saves the `Either` values a transformation allocates per value, which on a 10,000-item response are a good part
 * of the decoding time.
 */

/** The annotation key. */
export const FastPathId: unique symbol = Symbol.for("@im-recent/domain/FastDecode/FastPath")

/** What a fast path returns for an input the schema rejects. */
export const FAIL: unique symbol = Symbol.for("@im-recent/domain/FastDecode/FAIL")

/** @internal */
export type Fail = typeof FAIL

/** A decoded value, or {@link FAIL}. */
export type FastPath = (input: unknown) => unknown
