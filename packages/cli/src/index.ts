/**
 * @echolab/cli: how an echolab program starts: its settings from flags and the environment,
 * validated once, `--help`, and one-line failures with an exit status. No runtime dependency.
 */
export * from './describe-settings.ts'
export * from './load-config.ts'
export * from './parsers.ts'
export * from './program-error.ts'
export * from './run-main.ts'
export * from './setting.ts'
export * from './worker-entry.ts'
