/**
 * Answer bodies as UTF-8 bytes, byte for byte `JSON.stringify(body)`, with the serialisation of read-only wire
 * objects done once. The formatted recent items are memoised per portal state (`formatRowCached`), so the same
 * objects come back in every read of an unchanged portal; serialising and encoding them again was most of the cost of
 * an `im.recent.get` answer. Objects passed to {@link readOnly} are serialised on first use and their bytes are
 * spliced into every later body that contains them.
 *
 * @internal
 */

const readOnlyObjects = new WeakSet<object>()
const encoded = new WeakMap<object, Uint8Array>()

/**
 * Marks a wire object as never changing again (nor anything inside it), so that its bytes can be reused.
 *
 * @internal
 */
export const readOnly = <A extends object>(value: A): A => {
  readOnlyObjects.add(value)
  return value
}

const bytesOf = (value: object): Uint8Array => {
  let bytes = encoded.get(value)
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(value), "utf8")
    encoded.set(value, bytes)
  }
  return bytes
}

/** Arrays and plain objects without `toJSON`: where `JSON.stringify` does nothing but recurse. */
const isContainer = (value: object): boolean => {
  if (Array.isArray(value)) return true
  const prototype = Object.getPrototypeOf(value)
  return (prototype === Object.prototype || prototype === null) && !("toJSON" in value)
}

/** Reused bytes lie at most this deep in a body (`{ result: [item] }`, `{ result: { items: [item] } }`). */
const MAX_DEPTH = 3

const mentionsReadOnly = (value: unknown, depth: number): boolean => {
  if (typeof value !== "object" || value === null) return false
  if (readOnlyObjects.has(value)) return true
  if (depth >= MAX_DEPTH || !isContainer(value)) return false
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    if (mentionsReadOnly(child, depth + 1)) return true
  }
  return false
}

/**
 * Reused bytes at least this long go out as chunks of their own instead of being copied into a new buffer: copying a
 * body of a few hundred kilobytes (and touching the fresh memory it needs) cost more than the rest of an answer.
 */
const SHARED_CHUNK = 32 * 1024

/** The body's chunks, in order: runs of text and small reused bytes merged, large reused bytes as they are. */
class Output {
  readonly chunks: Array<Uint8Array> = []
  text = ""
  private run: Array<Uint8Array> = []
  private runLength = 0
  bytes(bytes: Uint8Array): void {
    this.flush()
    if (bytes.length < SHARED_CHUNK) {
      this.run.push(bytes)
      this.runLength += bytes.length
    } else {
      this.close()
      this.chunks.push(bytes)
    }
  }
  flush(): void {
    if (this.text === "") return
    const bytes = Buffer.from(this.text, "utf8")
    this.text = ""
    this.run.push(bytes)
    this.runLength += bytes.length
  }
  /** Ends the current run of small chunks: one chunk for all of it. */
  close(): void {
    if (this.run.length === 1) this.chunks.push(this.run[0]!)
    else if (this.run.length > 1) this.chunks.push(Buffer.concat(this.run, this.runLength))
    this.run = []
    this.runLength = 0
  }
}

/** Whether {@link write} handles an object itself (and then always writes something). */
const recurses = (value: object, depth: number): boolean =>
  readOnlyObjects.has(value) || (depth < MAX_DEPTH && isContainer(value))

/** Writes what `JSON.stringify(value)` would, or nothing (returning `false`) where it gives `undefined`. */
const write = (out: Output, value: unknown, depth: number): boolean => {
  if (typeof value === "object" && value !== null) {
    if (readOnlyObjects.has(value)) {
      out.bytes(bytesOf(value))
      return true
    }
    if (recurses(value, depth)) {
      if (Array.isArray(value)) {
        out.text += "["
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.text += ","
          if (!write(out, value[i], depth + 1)) out.text += "null"
        }
        out.text += "]"
        return true
      }
      out.text += "{"
      let first = true
      for (const key of Object.keys(value)) {
        const child = (value as Record<string, unknown>)[key]
        const nested = typeof child === "object" && child !== null && recurses(child, depth + 1)
        const text = nested ? undefined : JSON.stringify(child)
        if (!nested && text === undefined) continue
        out.text += `${first ? "" : ","}${JSON.stringify(key)}:`
        first = false
        if (nested) write(out, child, depth + 1)
        else out.text += text
      }
      out.text += "}"
      return true
    }
  }
  const text = JSON.stringify(value)
  if (text === undefined) return false
  out.text += text
  return true
}

/**
 * `JSON.stringify(body)` as UTF-8 bytes in one or more chunks (concatenated, they are the body), reusing the bytes of
 * {@link readOnly} objects; large reused bytes are chunks of their own, shared with other bodies (never to be written
 * to).
 *
 * @internal
 */
export const encodeChunks = (body: unknown): ReadonlyArray<Uint8Array> => {
  if (!mentionsReadOnly(body, 0)) return [Buffer.from(JSON.stringify(body) ?? "", "utf8")]
  const out = new Output()
  write(out, body, 0)
  out.flush()
  out.close()
  return out.chunks.length === 0 ? [new Uint8Array(0)] : out.chunks
}

/**
 * `JSON.stringify(body)` as UTF-8 bytes, reusing the bytes of {@link readOnly} objects.
 *
 * @internal
 */
export const encode = (body: unknown): Uint8Array => {
  const chunks = encodeChunks(body)
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
}
