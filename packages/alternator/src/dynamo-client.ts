import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'

export interface DynamoConnectionOptions {
  /** http(s) URL of ScyllaDB Alternator, DynamoDB Local, or a DynamoDB endpoint; default: the SDK's (AWS). */
  endpoint?: string
  /** Default `STRATA_DYNAMODB_REGION`, `AWS_REGION`, else `us-east-1` (Alternator and DynamoDB Local accept any). */
  region?: string
  /** Default: the SDK's provider chain; with an `endpoint` and no AWS credentials in env, a fixed dummy pair. */
  credentials?: DynamoDBClientConfig['credentials']
  /** Per-request retries of throttling and 5xx (default 8: sweeps run long and must ride out throttling). */
  maxAttempts?: number
}

/**
 * A DynamoDBClient for Alternator or DynamoDB. Alternator with authorisation off and DynamoDB Local accept any
 * signature, but the SDK refuses to sign without credentials, so an explicit endpoint without env credentials
 * gets a dummy pair (set real ones, or `credentials`, where the server checks them).
 */
export function createDynamoClient(o: DynamoConnectionOptions = {}): DynamoDBClient {
  const region = o.region ?? process.env.STRATA_DYNAMODB_REGION ?? process.env.AWS_REGION ?? 'us-east-1'
  const envCreds = process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY
  const credentials = o.credentials ?? (o.endpoint && !envCreds && !process.env.AWS_PROFILE ? { accessKeyId: 'strata', secretAccessKey: 'strata' } : undefined)
  return new DynamoDBClient({
    region,
    maxAttempts: o.maxAttempts ?? 8,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  })
}
