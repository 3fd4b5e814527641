import { describe, expect, it } from 'vitest'
import { classifyAwsError, isNetworkError, scrubAws } from './aws-errors.js'

const err = (name: string, message = name, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra })

describe('classifyAwsError', () => {
  it('unreachable → E_CONNECTION naming the endpoint', () => {
    const e = classifyAwsError(err('Error', 'connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }), 'http://127.0.0.1:1')
    expect(e).toMatchObject({ code: 'E_CONNECTION', message: expect.stringMatching(/cannot reach the DynamoDB API at http:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/) })
    expect(classifyAwsError(err('TimeoutError', 'timed out'), 'x')?.code).toBe('E_CONNECTION')
    expect(classifyAwsError(err('Error', 'getaddrinfo ENOTFOUND nowhere'), 'x')?.code).toBe('E_CONNECTION')
  })

  it('credentials refused → E_AUTH; a policy denying an action → E_PERMISSION; never an access key in the message', () => {
    const auth = classifyAwsError(err('UnrecognizedClientException', 'The security token included in the request is invalid. Credential=AKIAABCDEFGHIJKLMNOP/20250101/us-east-1'), 'e')
    expect(auth?.code).toBe('E_AUTH')
    expect(auth?.message).not.toMatch(/AKIAABCDEFGHIJKLMNOP/)
    expect(classifyAwsError(err('CredentialsProviderError', 'Could not load credentials from any providers'), 'e')?.code).toBe('E_AUTH')
    expect(classifyAwsError(err('AccessDeniedException', 'User: arn:aws:iam::1:user/x is not authorized to perform: dynamodb:CreateTable'), 'e')).toMatchObject({ code: 'E_PERMISSION', message: expect.stringMatching(/dynamodb:CreateTable/) })
  })

  it('a request\'s own error is not the environment\'s', () => {
    expect(classifyAwsError(err('ValidationException', 'One or more parameter values were invalid'), 'e')).toBeUndefined()
    expect(classifyAwsError('a string', 'e')).toBeUndefined()
    expect(classifyAwsError(null, 'e')).toBeUndefined()
  })

  it('scrubAws and isNetworkError', () => {
    expect(scrubAws('key ASIAABCDEFGHIJKLMNOP and Credential=AKIA1234567890ABCDEF/x, rest')).toBe('key ASIA… and Credential=…, rest')
    expect([isNetworkError({ name: 'RequestTimeout' }), isNetworkError(err('X', 'socket hang up')), isNetworkError(err('ValidationException'))]).toEqual([true, true, false])
  })
})
