// Access gate for every page and API route (rules in @podstart/schema/access via src/server/access.ts, setup in
// docs/dashboard.md). Under `podstart up` the process's HTTP server applies the same decision first.
import { type NextRequest, NextResponse } from 'next/server'
import { decideAccess, TOKEN_COOKIE } from '@/server/access.ts'
import { dashboardEnv } from '@/server/env.ts'

export function proxy(request: NextRequest) {
  const url = request.nextUrl
  const decision = decideAccess(
    {
      method: request.method,
      pathname: url.pathname,
      searchToken: url.searchParams.get('token'),
      authorization: request.headers.get('authorization'),
      cookieToken: request.cookies.get(TOKEN_COOKIE)?.value ?? null,
    },
    dashboardEnv(),
  )
  switch (decision.kind) {
    case 'allow':
      return NextResponse.next()
    case 'method-not-allowed':
      return new NextResponse('the dashboard is read-only\n', {
        status: 405,
        headers: { allow: 'GET, HEAD' },
      })
    case 'exchange-token': {
      const clean = url.clone()
      clean.searchParams.delete('token')
      const res = NextResponse.redirect(clean, 303)
      res.cookies.set(TOKEN_COOKIE, url.searchParams.get('token') ?? '', {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: url.protocol === 'https:',
      })
      return res
    }
    case 'unauthorized':
      return new NextResponse(
        'podstart dashboard: credentials required (Authorization: Bearer <token>, ?token=<token> once, or basic auth)\n',
        {
          status: 401,
          headers: decision.basic ? { 'www-authenticate': 'Basic realm="podstart", charset="UTF-8"' } : {},
        },
      )
  }
}
