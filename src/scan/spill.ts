/**
 * Rendered text held in a temporary file instead of memory: a markdown report can only be written
 * once its last unit is known (the heading counts the failures), and on large trees what waits is
 * tens of megabytes (30 MB on the 10,000-unit bench tree, where the worker making the report peaked
 * at 193-198 MB with it in memory).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createByteBatches } from '../render/batches.js'
import type { HeldBytes } from '../render/markdown.js'

const READ_BYTES = 1024 * 1024

/**
 * A file only this process can reach: created exclusively in a fresh private directory and removed
 * from the file system at once (the open descriptor keeps it), so nothing is left behind, even when
 * the process is killed. Undefined when no temporary file can be made (the caller keeps the text in
 * memory then).
 */
export function createSpilledBytes(
  tmpDir = os.tmpdir(),
  {
    takerKeeps = true
  }: {
    /**
     * false: drain()'s taker is done with each piece when it returns (a synchronous write), and one
     * buffer is read into again and again; a fresh megabyte per read left tens of megabytes of dead
     * buffers at the end of a large markdown report (its peak 198-213 MB against 180-190)
     */
    takerKeeps?: boolean
  } = {}
): HeldBytes | undefined {
  let dir: string
  try {
    dir = fs.mkdtempSync(path.join(tmpDir, 'systemd-hardening-gate-'))
  } catch {
    return undefined
  }
  let fd: number
  try {
    fd = fs.openSync(path.join(dir, 'held'), 'wx+', 0o600)
  } catch {
    return undefined
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  let length = 0
  const batches = createByteBatches((bytes) => {
    for (let offset = 0; offset < bytes.length;) {
      offset += fs.writeSync(fd, bytes, offset, bytes.length - offset, length + offset)
    }
    length += bytes.length
  })
  return {
    write: batches.write,
    drain(writeBytes) {
      try {
        batches.flush()
        const reused = takerKeeps ? undefined : Buffer.allocUnsafe(Math.min(READ_BYTES, length))
        for (let at = 0; at < length;) {
          const size = Math.min(READ_BYTES, length - at)
          // else a fresh buffer each time: whoever takes the bytes may keep them (createByteBatches)
          const chunk = reused ? reused.subarray(0, size) : Buffer.allocUnsafe(size)
          const got = fs.readSync(fd, chunk, 0, chunk.length, at)
          if (got === 0) throw new Error('the temporary file of the report was truncated')
          writeBytes(chunk.subarray(0, got))
          at += got
        }
      } finally {
        fs.closeSync(fd)
      }
    }
  }
}
