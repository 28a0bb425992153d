/**
 * Entry point of the `systemd-hardening-gate` command (bundled as dist/cli.js). The same file is the
 * script of the scan's worker threads.
 */
import { setFlagsFromString } from 'node:v8'
import { runCli } from './cli/run.js'
import { tieringFor } from './cli/tiering.js'
import { serveScanWorker } from './scan/parallel.js'

if (!serveScanWorker()) main()

function main(): void {
  // A reader that stops reading (`| head`) ends the scan at once, quietly; a gate whose report was
  // cut short never passes.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(1)
    throw error
  })
  runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    workerUrl: new URL(import.meta.url),
    stdout: (text) => process.stdout.write(text),
    drained: () => settledWhenDrained(process.stdout),
    stdoutFd: 1,
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    tiering: tieringFor(process.execArgv, setFlagsFromString)
  }).then(
    (code) => {
      process.exitCode = code
      // Everything is written: exit now rather than tear down a large heap. Output still queued
      // (a pipe on macOS) is left to the natural exit, which waits for it.
      if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) {
        process.exit(code)
      }
    },
    (error: unknown) => {
      process.stderr.write(
        `systemd-hardening-gate: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
      )
      process.exitCode = 2
    }
  )
}

/** Settles when a stream takes more writes again, or can take none any more (closed, failed). */
function settledWhenDrained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done).off('close', done).off('error', done)
      resolve()
    }
    stream.once('drain', done).once('close', done).once('error', done)
  })
}
