# kparty container image (docs/operations.md#containers): multi-stage, production
# dependencies only, runs as the unprivileged `node` user, HEALTHCHECK on /healthz.
# Node 22 LTS: the supported runtime (docs/operations.md#nodejs-version).

# 1. Compile TypeScript with every dependency.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schemas ./schemas
RUN npm run build

# 2. Production dependencies only (better-sqlite3 ships prebuilt binaries for linux x64/arm64 glibc).
FROM node:22-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# 3. The image: compiled code, production node_modules, the JSON Schemas it validates with.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    DATABASE_URL=sqlite:/data/kparty.db
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
COPY --chown=root:root schemas ./schemas
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains in-flight requests (docs/operations.md#graceful-shutdown); node is PID 1 and handles it.
CMD ["node", "dist/main.js"]
