/**
 * The settings as --help lists them: the flag (with its one-letter alias) and the environment
 * variable, then what the setting is and its default.
 */
import { type Settings, shownDefault } from './setting.ts'

export function describeSettings(settings: Settings): string {
  return Object.values(settings)
    .map((s) => {
      const flag = `${s.short ? `-${s.short}, ` : '    '}--${s.flag}${s.kind === 'switch' ? '' : ' V'}`
      return `  ${flag.padEnd(30)} ${s.env}\n        ${s.description} (default: ${shownDefault(s)})`
    })
    .join('\n')
}
