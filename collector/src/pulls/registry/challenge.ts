// Parses WWW-Authenticate challenges (RFC 7235 auth-params) as registries send them.

export interface AuthChallenge {
  /** Lower-cased scheme: `bearer`, `basic`. */
  scheme: string
  params: Record<string, string>
}

/**
 * Parses a WWW-Authenticate header into its challenges. Quoted values may hold commas and escaped quotes
 * (a scope can list several repositories), and one header may carry several challenges.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const out: AuthChallenge[] = []
  let i = 0
  const n = header.length
  const skipSpace = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++
  }
  const token = () => {
    const start = i
    while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(header[i] as string)) i++
    return header.slice(start, i)
  }
  let current: AuthChallenge | undefined
  while (i < n) {
    skipSpace()
    if (header[i] === ',') {
      i++
      continue
    }
    const word = token()
    if (word === '') {
      i++ // skip a stray character rather than loop forever on malformed input
      continue
    }
    skipSpace()
    if (header[i] === '=' && current) {
      i++
      skipSpace()
      let value = ''
      if (header[i] === '"') {
        i++
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++
          value += header[i]
          i++
        }
        i++ // closing quote
      } else {
        const start = i
        while (i < n && header[i] !== ',' && header[i] !== ' ') i++
        value = header.slice(start, i)
      }
      current.params[word.toLowerCase()] = value
    } else {
      current = { scheme: word.toLowerCase(), params: {} }
      out.push(current)
    }
  }
  return out
}
