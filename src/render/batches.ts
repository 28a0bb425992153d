/**
 * Rendered reports on their way out: small pieces encoded into 64 KiB byte batches (not one system
 * call, nor one long string to flatten and encode, per unit), large ones passed on as they are.
 * A batch handed to the sink is never written to again, so a sink may keep it (a queued pipe write).
 */

/** Bytes a batch collects before it is handed on. */
const BATCH = 64 * 1024
/** A piece this long goes out alone: copying it into a batch would gain nothing. */
const LARGE_PIECE = 16 * 1024

export interface ByteBatches {
  write(text: string): void
  writeBytes(bytes: Uint8Array): void
  /** hands on the batch so far */
  flush(): void
}

export function createByteBatches(sink: (bytes: Uint8Array) => void): ByteBatches {
  // at most 3 bytes per UTF-16 unit: a batch under BATCH always has room for a smaller piece
  let batch = Buffer.allocUnsafe(BATCH + 3 * LARGE_PIECE)
  let used = 0
  const flush = (): void => {
    if (used === 0) return
    const full = batch.subarray(0, used)
    batch = Buffer.allocUnsafe(BATCH + 3 * LARGE_PIECE)
    used = 0
    sink(full)
  }
  return {
    write(text) {
      if (text.length >= LARGE_PIECE) {
        flush()
        sink(Buffer.from(text))
        return
      }
      used += batch.write(text, used)
      if (used >= BATCH) flush()
    },
    writeBytes(bytes) {
      flush()
      sink(bytes)
    },
    flush
  }
}
