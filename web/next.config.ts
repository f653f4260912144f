import type { NextConfig } from 'next'

// chDB is a native addon loaded once per process; the client must stay external so the dashboard
// reuses the store handle that `podstart up` opened (see @podstart/schema/store getSharedStore).
const config: NextConfig = {
  serverExternalPackages: ['chdb', '@clickhouse/client'],
  transpilePackages: ['@podstart/schema'],
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: false },
  outputFileTracingIncludes: { '/**': ['../node_modules/@chdb/lib-linux-x64-gnu/**'] },
}

export default config
