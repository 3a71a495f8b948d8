/** The settings every server shares, checked at start against this server's real process. */
import { describeSettingsAtStart } from '@echolab/testkit'
import { ENTRY } from './server.ts'

describeSettingsAtStart('server-blocking', ENTRY)
