import { describe, expect, it } from 'vitest'
import { splitJsonRequests } from './json-splitter.js'
import { jsonLintDialect } from './json-lint.js'
import { isTableOperation, parseRequest, RequestSyntaxError, toRequest } from './requests.js'
import { dynamoRejected, dynamoTraits } from './statement-traits.js'
import { relativeName } from './table-names.js'

const create = { CreateTable: { TableName: '${prefix}users', KeySchema: [] } }

describe('splitJsonRequests', () => {
  it('one request is one statement, as compact JSON, on the line it starts', () => {
    expect(splitJsonRequests(`\n\n${JSON.stringify(create, null, 2)}\n`)).toEqual([{ text: JSON.stringify(create), line: 3 }])
  })

  it('an array is one statement per request, in order, each with its line; strings with brackets and escapes do not confuse it', () => {
    const tricky = { PutItem: { TableName: 't', Item: { s: { S: 'a "quoted" ] [ , } { value\\' } } } }
    const source = `[\n  ${JSON.stringify(create)},\n\n  ${JSON.stringify(tricky)}  ,  {"DeleteTable":{"TableName":"x"}}\n]`
    expect(splitJsonRequests(source)).toEqual([
      { text: JSON.stringify(create), line: 2 },
      { text: JSON.stringify(tricky), line: 4 },
      { text: '{"DeleteTable":{"TableName":"x"}}', line: 4 },
    ])
  })

  it('invalid JSON names the line', () => {
    expect(() => splitJsonRequests('{\n  "CreateTable": { "TableName": "x", }\n}')).toThrow(/invalid JSON at line 2/)
    expect(() => splitJsonRequests('{\n  "CreateTable": { "TableName": "x", }\n}')).toThrow(RequestSyntaxError)
  })

  it('refuses an empty array, an unknown operation, two operations in one object, a non-object, and a request without TableName', () => {
    expect(() => splitJsonRequests('[]')).toThrow(/empty array/)
    expect(() => splitJsonRequests('[{"CreateTable":{"TableName":"a"}},\n{"DropTable":{"TableName":"a"}}]')).toThrow(/request 2 \(line 2\): unknown operation "DropTable"; expected one of \{ "CreateTable"/)
    expect(() => splitJsonRequests('{"CreateTable":{"TableName":"a"},"DeleteTable":{"TableName":"a"}}')).toThrow(/has 2 keys \(CreateTable, DeleteTable\)/)
    expect(() => splitJsonRequests('{}')).toThrow(/has 0 keys \(none\)/)
    expect(() => splitJsonRequests('"CreateTable"')).toThrow(/is not an object/)
    expect(() => splitJsonRequests('[[1]]')).toThrow(/request 1 \(line 1\) is not an object/)
    expect(() => splitJsonRequests('[{"DeleteTable":{"TableName":"a"}},\n7]')).toThrow(/request 2 \(line 2\) is not an object/)
    expect(() => splitJsonRequests('[{"DeleteTable":{"TableName":"a"}}, "x" ]')).toThrow(/request 2 \(line 1\) is not an object/)
    expect(() => splitJsonRequests('{"UpdateTable":[]}')).toThrow(/the UpdateTable request must be an object/)
    expect(() => splitJsonRequests('{"DeleteTable":{"TableName":""}}')).toThrow(/has no "TableName" string/)
  })

  it('the lint dialect splits the same way and has no rules', () => {
    expect(jsonLintDialect.dialect).toBe('json')
    expect(jsonLintDialect.rules).toEqual([])
    expect(jsonLintDialect.split('{"DeleteTable":{"TableName":"x"}}', 'f.json')).toHaveLength(1)
  })
})

describe('requests', () => {
  it('parseRequest reads a rendered statement, and says when substitution broke the JSON', () => {
    expect(parseRequest('{"DeleteTable":{"TableName":"x"}}')).toEqual({ op: 'DeleteTable', input: { TableName: 'x' } })
    expect(() => parseRequest('{"DeleteTable":{"TableName":"a"b"}}')).toThrow(/not valid JSON after placeholders were substituted/)
    expect(toRequest({ PutItem: { TableName: 't', Item: {} } }).op).toBe('PutItem')
    expect([isTableOperation('CreateTable'), isTableOperation('PutItem')]).toEqual([true, false])
  })

  it('relativeName strips the prefix, or says the table is outside the target', () => {
    expect([relativeName('app_users', 'app_'), relativeName('other_users', 'app_'), relativeName('users', '')]).toEqual(['users', undefined, 'users'])
  })
})

describe('dynamoTraits', () => {
  const t = (req: unknown, prefix = 'p_') => dynamoTraits(JSON.stringify(req), prefix)

  it('CreateTable and DeleteTable are checkable by the table, inside the prefix only', () => {
    expect(t({ CreateTable: { TableName: 'p_users' } })).toEqual({ idempotent: false, transactional: false, effect: { kind: 'table', name: 'users', exists: true } })
    expect(t({ DeleteTable: { TableName: 'p_users' } })).toEqual({ idempotent: false, transactional: false, effect: { kind: 'table', name: 'users', exists: false } })
    expect(t({ CreateTable: { TableName: 'elsewhere' } })).toEqual({ idempotent: false, transactional: false })
  })

  it('an UpdateTable creating or deleting one GSI is checkable by the index; any other is neither', () => {
    expect(t({ UpdateTable: { TableName: 'p_u', GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'by_e' } }] } })).toMatchObject({ effect: { kind: 'index', name: 'u.by_e', exists: true } })
    expect(t({ UpdateTable: { TableName: 'p_u', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by_e' } }] } })).toMatchObject({ effect: { kind: 'index', name: 'u.by_e', exists: false } })
    expect(t({ UpdateTable: { TableName: 'p_u', GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'by_e' } }] } })).toEqual({ idempotent: false, transactional: false })
    expect(t({ UpdateTable: { TableName: 'p_u', BillingMode: 'PAY_PER_REQUEST' } })).toEqual({ idempotent: false, transactional: false })
    expect(t({ UpdateTable: { TableName: 'q_u', GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'x' } }] } })).toEqual({ idempotent: false, transactional: false })
  })

  it('UpdateTimeToLive is idempotent; PutItem/DeleteItem without a condition are; UpdateItem and conditional writes are not; garbage is neither', () => {
    expect(t({ UpdateTimeToLive: { TableName: 'p_u' } }).idempotent).toBe(true)
    expect(t({ PutItem: { TableName: 'p_u', Item: {} } }).idempotent).toBe(true)
    expect(t({ DeleteItem: { TableName: 'p_u', Key: {} } }).idempotent).toBe(true)
    expect(t({ PutItem: { TableName: 'p_u', Item: {}, ConditionExpression: 'attribute_not_exists(id)' } }).idempotent).toBe(false)
    expect(t({ DeleteItem: { TableName: 'p_u', Key: {}, Expected: {} } }).idempotent).toBe(false)
    expect(t({ UpdateItem: { TableName: 'p_u', Key: {} } }).idempotent).toBe(false)
    expect(dynamoTraits('not json', '')).toEqual({ idempotent: false, transactional: false })
  })

  it('dynamoRejected: the server refused (validation, in use, throttled…) vs an unknown outcome', () => {
    for (const name of ['ValidationException', 'ResourceInUseException', 'ThrottlingException', 'RequestSyntaxError']) expect(dynamoRejected({ name })).toBe(true)
    expect(dynamoRejected(new RequestSyntaxError('x'))).toBe(true)
    expect(dynamoRejected({ name: 'TimeoutError' })).toBe(false)
    expect(dynamoRejected(new Error('socket hang up'))).toBe(false)
    expect(dynamoRejected(null)).toBe(false)
    expect(dynamoRejected({})).toBe(false)
  })
})
