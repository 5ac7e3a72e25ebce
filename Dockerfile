# syntax=docker/dockerfile:1
#
# smart-reap: one image for every service. A build stage installs everything, compiles each
# workspace package with tsc into its dist/ and then reinstalls production dependencies only;
# the runtime stage gets that: built JavaScript and production node_modules, no sources, no tsx,
# no dev dependencies. test/integration/prod-install.test.ts runs the same install steps.
#
#   docker build -t smart-reap .
#   docker run --rm -e REDIS_URL=redis://host:6379 -p 8080:8080 smart-reap                      # all three services
#   docker run --rm ... smart-reap node --conditions=built services/cli/dist/main.js start --only prober
#
# The command is the `reaper:prod` script of package.json run directly, not `pnpm -s reaper:prod start`:
# pnpm runs a script through `sh -c`, and on SIGTERM it signals that shell, which dies without
# passing the signal on, so the service would be killed instead of shutting down gracefully.
# The script runs node itself, so SIGTERM reaches the service directly. `--conditions=built`
# makes the workspace packages' exports resolve to their dist/ (without it they resolve to
# src/, which is how tsx, vitest and tsc use them in development). test/unit/deploy-manifests.test.ts
# keeps CMD, the Kubernetes args and the compose commands equal to that script.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG PNPM_VERSION=10.34.9

# ---- base: Node 20, pnpm, and what the host-local prober runs (tmux, ps) --------------------------
FROM ${NODE_IMAGE} AS base
ARG PNPM_VERSION
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini tmux procps ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# corepack does not work on these machines (the registry's pnpm metadata has no signatures).
RUN npm i -g pnpm@${PNPM_VERSION} && npm cache clean --force
WORKDIR /app

# ---- build: node_modules from the lockfile, tsc, then production dependencies only --------------
FROM base AS build
# `pnpm fetch` needs only the lockfile, so this layer stays cached until the lockfile changes,
# and no list of workspace packages has to be kept in step with this file.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --store-dir /pnpm/store
COPY . .
RUN pnpm install --offline --frozen-lockfile --prod=false --store-dir /pnpm/store
RUN pnpm -s build
# A fresh production install rather than pruning: pnpm refuses to purge node_modules without a
# TTY. The sources go too, so nothing at run time can fall back to them.
RUN rm -rf node_modules packages/*/node_modules services/*/node_modules \
 && pnpm install --offline --frozen-lockfile --prod --store-dir /pnpm/store \
 && rm -rf packages/*/src packages/*/test services/*/src services/*/test test bench

# ---- runtime: built JavaScript + production node_modules, without the pnpm store -----------------
FROM base AS runtime
ENV NODE_ENV=production
COPY --from=build /app /app
# uid/gid 1000 (`node` in the base image). Kubernetes sets runAsUser explicitly; the host-local
# prober runs as the runner's uid (see deploy/README.md).
USER node
EXPOSE 8080
# tini reaps orphans (the prober spawns tmux and ps); -s makes it a subreaper, so it does so even
# where it is not PID 1 (the host-local prober shares the host's PID namespace).
ENTRYPOINT ["/usr/bin/tini", "-s", "--"]
CMD ["node", "--conditions=built", "services/cli/dist/main.js", "start"]
