import { describe, expect, it } from 'vitest'
import { EchoError, ErrorCode, isErrorLine } from '../src/errors.ts'

describe('EchoError', () => {
  it('maps MESSAGE_TOO_LONG to its wire line with the limit', () => {
    const error = EchoError.messageTooLong(65536)
    expect(error.code).toBe('ECHO_ERR_MESSAGE_TOO_LONG')
    expect(error.wireLine).toEqual(Buffer.from('Error: message too long (limit 65536 bytes)\n'))
  })

  it('maps SERVER_BUSY to its wire line with the detail', () => {
    const error = EchoError.serverBusy('128 clients waiting')
    expect(error.code).toBe('ECHO_ERR_SERVER_BUSY')
    expect(error.wireLine).toEqual(Buffer.from('Error: server busy (128 clients waiting)\n'))
  })

  it('maps IDLE_TIMEOUT to its wire line in seconds when the timeout is whole seconds', () => {
    const error = EchoError.idleTimeout(300_000)
    expect(error.code).toBe('ECHO_ERR_IDLE_TIMEOUT')
    expect(error.wireLine).toEqual(Buffer.from('Error: idle timeout (no message for 300 s)\n'))
  })

  it('maps IDLE_TIMEOUT to its wire line in milliseconds otherwise', () => {
    expect(EchoError.idleTimeout(1500).wireLine).toEqual(
      Buffer.from('Error: idle timeout (no message for 1500 ms)\n'),
    )
  })

  it('maps SHUTTING_DOWN to its wire line', () => {
    const error = EchoError.shuttingDown()
    expect(error.code).toBe('ECHO_ERR_SHUTTING_DOWN')
    expect(error.wireLine).toEqual(Buffer.from('Error: server shutting down\n'))
  })

  it('has a factory for every code', () => {
    const made = [
      EchoError.messageTooLong(1),
      EchoError.serverBusy('full'),
      EchoError.idleTimeout(1000),
      EchoError.shuttingDown(),
    ].map((error) => error.code)
    expect(new Set(made)).toEqual(new Set(Object.values(ErrorCode)))
  })

  it('is an Error whose message is the reason', () => {
    const error = EchoError.shuttingDown()
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('EchoError')
    expect(error.message).toBe('server shutting down')
    expect(error.reason).toBe('server shutting down')
  })
})

describe('isErrorLine', () => {
  it('recognises an Error: line as bytes or text', () => {
    expect(isErrorLine(Buffer.from('Error: server shutting down'))).toBe(true)
    expect(isErrorLine('Error: server shutting down')).toBe(true)
  })

  it('does not take an echo of the word Error for an Error: line', () => {
    expect(isErrorLine(Buffer.from('Echo: Error: not really'))).toBe(false)
    expect(isErrorLine('Echo: Error: not really')).toBe(false)
    expect(isErrorLine(Buffer.from('Error'))).toBe(false)
  })
})
