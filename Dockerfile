# syntax=docker/dockerfile:1
# podstart images. Targets:
#   collector  `podstart collect` / `podstart migrate` in server mode (ClickHouse over HTTP): no web build, no chDB
#   dashboard  `podstart up` against CLICKHOUSE_URL: the built dashboard, no chDB
#   podstart   all in one (`podstart up` with the embedded store): dashboard + chDB (~540 MB engine library)
# Build: docker build --target collector -t podstart/collector:0.1.0 .
# The code runs through tsx (TypeScript source, no compile step); only the dashboard is built (next build).

ARG NODE_IMAGE=node:20.20-bookworm-slim

# Every dependency, dev included, for the dashboard build.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY schema/package.json schema/
COPY collector/package.json collector/
COPY web/package.json web/
COPY test/package.json test/
RUN npm ci --no-audit --no-fund

# Production dependencies only; the server-mode images drop chDB from here.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY schema/package.json schema/
COPY collector/package.json collector/
COPY web/package.json web/
COPY test/package.json test/
RUN npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/playwright-core node_modules/@podstart/test

FROM ${NODE_IMAGE} AS web-build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules node_modules
COPY package.json tsconfig.base.json ./
COPY schema schema
COPY web web
RUN npm run build -w @podstart/web

# Server mode: chDB is loaded lazily (dynamic import) only for the embedded store, so removing it is safe.
FROM prod-deps AS prod-deps-server
RUN rm -rf node_modules/chdb node_modules/@chdb

# Shared runtime layout: non-root user, TypeScript sources, no write access to /app.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
RUN groupadd --system --gid 10001 podstart \
 && useradd --system --uid 10001 --gid podstart --home-dir /nonexistent --shell /usr/sbin/nologin podstart
WORKDIR /app
COPY --chown=root:root package.json tsconfig.base.json ./
COPY --chown=root:root schema/package.json schema/startup-record.schema.json schema/tsconfig.json schema/
COPY --chown=root:root schema/src schema/src
COPY --chown=root:root schema/migrations schema/migrations
COPY --chown=root:root collector/package.json collector/tsconfig.json collector/
COPY --chown=root:root collector/bin collector/bin
COPY --chown=root:root collector/src collector/src
COPY --chown=root:root collector/scenarios collector/scenarios
ENTRYPOINT ["node", "/app/collector/bin/podstart.mjs"]

FROM runtime AS collector
COPY --from=prod-deps-server --chown=root:root /app/node_modules node_modules
USER 10001:10001
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Inside a container the metrics port must listen beyond loopback (the CLI defaults to 127.0.0.1).
CMD ["collect", "--in-cluster", "--metrics-host", "0.0.0.0"]

FROM runtime AS dashboard
COPY --from=prod-deps-server --chown=root:root /app/node_modules node_modules
COPY --chown=root:root web/package.json web/next.config.ts web/tsconfig.json web/
COPY --chown=root:root web/app web/app
COPY --chown=root:root web/src web/src
COPY --from=web-build --chown=root:root /app/web/.next web/.next
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Dashboard only: no collector, no simulated cluster, no migrations; it never writes to the store.
CMD ["up", "--no-collector", "--host", "0.0.0.0", "--port", "3000"]

FROM runtime AS podstart
COPY --from=prod-deps --chown=root:root /app/node_modules node_modules
COPY --chown=root:root web/package.json web/next.config.ts web/tsconfig.json web/
COPY --chown=root:root web/app web/app
COPY --chown=root:root web/src web/src
COPY --from=web-build --chown=root:root /app/web/.next web/.next
# The embedded store's data directory (mount a volume here).
RUN mkdir -p /var/lib/podstart && chown 10001:10001 /var/lib/podstart
VOLUME ["/var/lib/podstart"]
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["up", "--host", "0.0.0.0", "--port", "3000", "--data", "/var/lib/podstart"]
