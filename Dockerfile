# syntax=docker/dockerfile:1
# hopwatch's container image. Two stages: `build` installs every dependency, compiles the workspaces and
# installs the production tree (`npm ci --omit=dev`) into /runtime; the runtime image gets only that tree,
# runs as the unprivileged `node` user, keeps its SQLite file in the /data volume and reads its config from
# /config/hopwatch.yaml. deploy/stage-runtime.mjs defines the layout; deploy/test proves it without Docker.
#   docker build -t hopwatch .
#   docker run -v ./hopwatch.yaml:/config/hopwatch.yaml:ro -v hopwatch-data:/data -p 8080:8080 hopwatch
#   docker run -p 8080:8080 hopwatch --lab --host 0.0.0.0 --data /data     # the built-in lab, no config
# Release builds stamp the OCI labels:
#   docker build --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) \
#     --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) -t hopwatch:0.1.0 .
# Node 26, the Active LTS line on 2026-11-30 (24 is in maintenance since October 2026, 20 reached its end of
# life in April 2026). The newest LTS that better-sqlite3@12 supports: its engines list 20.x to 26.x, so its
# native module still builds here. The code itself keeps running on Node 20.19+ (package.json engines), which the
# tests run on.
ARG NODE_IMAGE=node:26-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV TURBO_TELEMETRY_DISABLED=1
# better-sqlite3 compiles from source when no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifests first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json .npmrc ./
COPY packages/shared/package.json packages/shared/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# The production tree: manifests, lockfile and dist/ folders, then only the runtime dependencies. The web
# app's packages are devDependencies (Vite bundled them into apps/web/dist), so none of them is installed.
RUN node deploy/stage-runtime.mjs /runtime \
  && cd /runtime \
  && npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=https://github.com/hopwatch/hopwatch
# No license is chosen yet (package.json has none): SPDX's NOASSERTION until one is.
ARG LICENSES=NOASSERTION
LABEL org.opencontainers.image.title="hopwatch" \
  org.opencontainers.image.description="Permanent WebSocket probe legs through each hop of a path; attributes every drop to the hop that cut it" \
  org.opencontainers.image.source="${SOURCE}" \
  org.opencontainers.image.version="${VERSION}" \
  org.opencontainers.image.revision="${REVISION}" \
  org.opencontainers.image.created="${CREATED}" \
  org.opencontainers.image.licenses="${LICENSES}"
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and so read-only for the `node` user: only /data is writable.
COPY --from=build /runtime /app
RUN mkdir -p /config /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# hopwatch closes its legs on SIGTERM (not counted as drops) and exits; node is PID 1 and handles it itself.
ENTRYPOINT ["node", "/app/apps/server/dist/cli.js"]
CMD ["--config", "/config/hopwatch.yaml", "--host", "0.0.0.0", "--data", "/data"]
