import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'

/** One call as the scripted client saw it: the command's class name and its input. */
export interface SentCommand {
  name: string
  input: Record<string, unknown>
}

type Reply = (input: Record<string, unknown>) => unknown

/**
 * A DynamoDBClient stand-in for the paths a real server cannot be made to take on demand (a CreateTable race, a
 * BatchWriteItem that leaves items unprocessed): each command name answers from its queue of replies; a reply
 * that throws is the server's error.
 */
export function scriptedClient(replies: Record<string, Reply[]>): { client: DynamoDBClient; sent: SentCommand[] } {
  const sent: SentCommand[] = []
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name
      sent.push({ name, input: command.input })
      const queue = replies[name]
      if (!queue?.length) throw new Error(`scripted client: no reply left for ${name}`)
      return queue.length > 1 ? queue.shift()!(command.input) : queue[0]!(command.input)
    },
  }
  return { client: client as unknown as DynamoDBClient, sent }
}

/** An AWS SDK service error as the SDK raises it (only `name` is looked at). */
export const awsError = (name: string) => Object.assign(new Error(name), { name })
