/** The CLI as users run it: the committed bundle dist/cli.js in a child process. */
import { spawn, spawnSync } from 'node:child_process'
import * as path from 'node:path'

export const root = path.resolve(import.meta.dirname, '..', '..')
export const cli = path.join(root, 'dist', 'cli.js')

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs dist/cli.js with `args` in `cwd` (default: the repository), extra environment on top. */
export function runCli(args: string[], cwd = root, env: Record<string, string> = {}): CliRun {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env }
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/**
 * Runs dist/cli.js, reads the first piece of its output and closes the pipe, as `| head` does;
 * resolves with its exit status and what it wrote to stderr.
 */
export async function runUntilFirstOutput(
  args: string[],
  cwd = root
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
  child.stdout.destroy()
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, stderr }
}
