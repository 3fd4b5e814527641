import type { Adapter } from './adapter-contract.js'
import { isStrataError } from './errors.js'

/** Strata's own operations on the adapter: their errors are environment failures or bugs, never a migration's. */
const OWN_METHODS: ReadonlySet<PropertyKey> = new Set(['createTarget', 'missingTarget', 'preflight', 'introspect', 'captureSchema', 'topology'])
const OWN_STORES: ReadonlySet<PropertyKey> = new Set(['history', 'lock', 'snapshots'])

function classifying<T extends object>(target: T, classify: (err: unknown) => unknown, wrap: (prop: PropertyKey) => boolean): T {
  return new Proxy(target, {
    get(t, prop) {
      const v = Reflect.get(t, prop, t) as unknown
      if (typeof v !== 'function') return v
      const f = v as (...args: unknown[]) => unknown
      if (!wrap(prop)) return f.bind(t)
      return (...args: unknown[]) => {
        const out = f.apply(t, args)
        return out instanceof Promise ? out.catch((err: unknown) => { throw classify(err) }) : out
      }
    },
  })
}

/**
 * The adapter with its classifyError applied to every error of Strata's own operations (history, lease,
 * snapshots, introspection, preflight, target creation): a lost quorum, a TLS failure, a missing permission or a
 * broken history table surfaces as its own code, never as an internal error. Statement errors are classified
 * where they are wrapped (statementError), so a statement's own failure stays E_MIGRATION_FAILED.
 */
export function withClassifiedErrors(adapter: Adapter): Adapter {
  const classifyError = adapter.classifyError?.bind(adapter)
  if (!classifyError) return adapter
  const classify = (err: unknown): unknown => (isStrataError(err) ? err : (classifyError(err) ?? err))
  const stores = new Map<PropertyKey, object>()
  return new Proxy(adapter, {
    get(t, prop) {
      const v = Reflect.get(t, prop, t) as unknown
      if (OWN_STORES.has(prop) && v && typeof v === 'object') {
        let wrapped = stores.get(prop)
        if (!wrapped) stores.set(prop, (wrapped = classifying(v, classify, () => true)))
        return wrapped
      }
      if (typeof v !== 'function') return v
      return OWN_METHODS.has(prop) ? classifying(t, classify, (p) => p === prop)[prop as keyof Adapter] : (v as (...a: unknown[]) => unknown).bind(t)
    },
  })
}
