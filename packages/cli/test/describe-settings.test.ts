import { describe, expect, it } from 'vitest'
import { describeSettings } from '../src/index.ts'
import { SETTINGS } from './settings-fixture.ts'

describe('describeSettings', () => {
  const help = describeSettings(SETTINGS)

  it('shows each setting as its flags and variable, then what it is and its default', () => {
    expect(help.split('\n')).toHaveLength(2 * Object.keys(SETTINGS).length)
    expect(help).toMatch(/^ {2}-p, --port V\s+PORT\n {8}TCP port \(default: 5000\)$/m)
    expect(help).toMatch(/^ {6}--host V\s+HOST\n {8}address to listen on \(default: 0\.0\.0\.0\)$/m)
  })

  it('shows a switch without a value, an unset default as off, and a shown default as given', () => {
    expect(help).toMatch(/^ {6}--json\s+JSON_OUTPUT\n.*\(default: off\)$/m)
    expect(help).toContain('metrics port (default: off)')
    expect(help).toContain('comma-separated) (default: none)')
  })
})
