// The one way a transport sends: a JSON POST with a timeout. Errors name the transport and the HTTP status or
// network error code, never the URL or a key.

export class DeliveryError extends Error {
  override name = 'DeliveryError'
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message)
  }
}

export async function post(
  name: string,
  url: string,
  body: unknown,
  timeoutMs: number,
  headers: Record<string, string> = {},
) {
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name
    throw new DeliveryError(`transport ${name}: request failed (${code})`, true)
  }
  await res.arrayBuffer().catch(() => undefined)
  if (!res.ok) {
    throw new DeliveryError(`transport ${name}: HTTP ${res.status}`, res.status >= 500 || res.status === 429)
  }
}
