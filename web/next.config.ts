import type { NextConfig } from 'next'

// Sent with every page and API response.
//
// script-src allows 'unsafe-inline' rather than per-request nonces, on purpose: the App Router streams
// each page's React payload in inline <script> tags whose content differs per response (no hash can cover
// them), and nonces would have to be threaded from the proxy into every inline script we render (the theme
// script in app/layout.tsx) and make every response depend on the proxy having run. What a script could
// be injected through is closed instead: React escapes every value from the store (pod, image and workload
// names come from the cluster), no HTML is rendered from data, and everything else is strict: no plugins,
// no <base>, no foreign origins for scripts, styles, images, fonts or fetches, forms only to ourselves,
// and no framing (clickjacking). style-src needs 'unsafe-inline' for the charts' style attributes.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const SECURITY_HEADERS = [
  { key: 'Content-Security-Policy', value: CONTENT_SECURITY_POLICY },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
]

// chDB is a native addon loaded once per process; the client must stay external so the dashboard
// reuses the store handle that `podstart up` opened (see @podstart/schema/store getSharedStore).
const config: NextConfig = {
  serverExternalPackages: ['chdb', '@clickhouse/client'],
  transpilePackages: ['@podstart/schema'],
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: false },
  outputFileTracingIncludes: { '/**': ['../node_modules/@chdb/lib-linux-x64-gnu/**'] },
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }]
  },
}

export default config
