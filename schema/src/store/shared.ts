// One store handle per process, reachable from every module instance (the CLI and Next's server bundle).
import { type StoreConfig, storeConfigFromEnv } from './env.ts'
import { openStore, type Store } from './open.ts'

const KEY = Symbol.for('podstart.store')
const OPENING = Symbol.for('podstart.store.opening')

type Holder = { [KEY]?: Store; [OPENING]?: Promise<Store> }
const holder = globalThis as unknown as Holder

export function setSharedStore(store: Store | undefined): void {
  if (store) holder[KEY] = store
  else delete holder[KEY]
}

export function getSharedStore(): Store | undefined {
  return holder[KEY]
}

/** The shared store, else opens one from env and shares it. A failed open is not cached: the next call retries. */
export async function getStore(config?: StoreConfig): Promise<Store> {
  const existing = holder[KEY]
  if (existing) return existing
  const pending = holder[OPENING]
  if (pending) return pending
  const opening = openStore(config ?? storeConfigFromEnv())
  holder[OPENING] = opening
  try {
    const store = await opening
    holder[KEY] = store
    return store
  } finally {
    delete holder[OPENING]
  }
}
