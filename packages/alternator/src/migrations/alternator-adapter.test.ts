import { describe, expect, it } from 'vitest'
import { scriptedClient } from '../testing/scripted-client.js'
import { AlternatorAdapter, createAlternatorAdapter } from './alternator-adapter.js'

describe('AlternatorAdapter (scripted server)', () => {
  it('names, capabilities, target and code context', () => {
    const { client } = scriptedClient({})
    const a = new AlternatorAdapter(client, { tablePrefix: 'app_', endpoint: 'http://alt:8000' })
    expect([a.name, a.dialect, a.capabilities, a.targetName, a.lint.rules]).toEqual(['alternator', 'json', { transactionalDdl: false, schemaAgreement: false }, 'app_', []])
    expect(a.codeContext()).toEqual({ client, prefix: 'app_' })
    expect(new AlternatorAdapter(client).targetName).toBeUndefined()
    expect(a.split('{"DeleteTable":{"TableName":"app_x"}}', 'f.json')).toEqual([{ text: '{"DeleteTable":{"TableName":"app_x"}}', line: 1 }])
    expect(a.traits('{"DeleteTable":{"TableName":"app_x"}}').effect).toEqual({ kind: 'table', name: 'x', exists: false })
    expect(a.rejected({ name: 'ValidationException' })).toBe(true)
  })

  it('classifyError names the endpoint, or the AWS region when there is none', () => {
    const { client } = scriptedClient({})
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    expect(new AlternatorAdapter(client, { endpoint: 'http://alt:8000' }).classifyError(refused)?.message).toMatch(/at http:\/\/alt:8000/)
    expect(new AlternatorAdapter(client, { region: 'eu-west-1' }).classifyError(refused)?.message).toMatch(/the AWS endpoint of eu-west-1/)
    expect(new AlternatorAdapter(client).classifyError(refused)?.message).toMatch(/the AWS endpoint of the default region/)
  })

  it('execute takes no parameters; introspect and captureSchema read the target; close is idempotent', async () => {
    const { client } = scriptedClient({ ListTablesCommand: [() => ({ TableNames: [] })] })
    let destroyed = 0
    Object.assign(client, { destroy: () => destroyed++ })
    const a = new AlternatorAdapter(client, { now: () => 1 })
    await expect(a.execute('{"DeleteTable":{"TableName":"x"}}', { params: [1] })).rejects.toThrow(/takes no parameters/)
    expect(await a.introspect()).toEqual({ tables: [], indexes: [], views: [] })
    expect((await a.captureSchema()).ddl).toBe('[]\n')
    await a.close()
    await a.close()
    expect(destroyed).toBe(1)
  })

  it('createAlternatorAdapter connects lazily with the options given', async () => {
    const a = await createAlternatorAdapter({ endpoint: 'http://127.0.0.1:1', region: 'r', tablePrefix: 'x_', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })
    expect(a.prefix).toBe('x_')
    expect(await a.client.config.region()).toBe('r')
    await a.close()
    const bare = await createAlternatorAdapter()
    expect(bare.prefix).toBe('')
    await bare.close()
  })
})
