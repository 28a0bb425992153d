/**
 * V8's efficiency mode for the short runs it makes faster. In it V8 puts off optimizing a function
 * with TurboFan until it has run 15,000 times (3,000 otherwise), compiles baseline code on the main
 * thread and gives the optimizing compiler's jobs the lowest priority. A text report of some
 * thousands of units ends before TurboFan's code would pay for its compiling, which on 2 CPUs
 * competes with the scan and the read-ahead thread. Measured on the bench tree's units (2 CPUs,
 * text, interleaved runs, against V8's defaults): 1,000 units -3.5%, 5,000 -8%, 10,000 -9% to -12%
 * (25% less CPU); but 15,000 +7% and 20,000 +3% (its functions reach 15,000 runs and are optimized
 * late), JSON with every drop-in +11% and text with every drop-in (--suggest) +31%, which want
 * TurboFan's code for seconds. Turning the mode off part way made things worse (a 0.9 s run +5%
 * when it ended at 0.6 s). So the run chooses once, from what it knows after the walk. Only
 * measured on 2 CPUs: with 4 or more, V8's compiler has a CPU of its own and the defaults stay.
 * Efficiency mode is one of V8's dynamic modes (Chrome switches it as a tab goes to the background),
 * read at each tiering decision, which is why setting it at run time is sound; the flag is
 * process-wide.
 */

/** Above this many units the delayed optimizing costs more than it saves (see above). */
export const EFFICIENT_MAX_UNITS = 12000
/** From this many CPUs V8's compiler threads do not compete with the scan (not measured). */
const EFFICIENT_BELOW_CPUS = 4

export interface RunShape {
  format: string
  /** drop-ins computed for every failing unit (JSON, markdown, --suggest, --fix), not a few */
  everyDropIn: boolean
  units: number
  cpus: number
}

/** True when a run of this shape is faster in V8's efficiency mode (see above). */
export function efficiencyModeFits(run: RunShape): boolean {
  return (
    run.format === 'text' &&
    !run.everyDropIn &&
    run.units <= EFFICIENT_MAX_UNITS &&
    run.cpus < EFFICIENT_BELOW_CPUS
  )
}

/** True when node was started with a choice of V8's efficiency or battery-saver mode: kept. */
export function choseTieringMode(execArgv: readonly string[]): boolean {
  return execArgv.some((arg) => /^--(no-)?(efficiency|battery-saver)[-_]mode(=|$)/.test(arg))
}

/**
 * The command's own process: sets V8's efficiency mode for a run that fits it, unless node's
 * command line chose a mode. `setFlags` is v8.setFlagsFromString.
 */
export function tieringFor(
  execArgv: readonly string[],
  setFlags: (flags: string) => void
): (run: RunShape) => boolean {
  return (run) => {
    if (choseTieringMode(execArgv) || !efficiencyModeFits(run)) return false
    setFlags('--efficiency-mode')
    return true
  }
}
