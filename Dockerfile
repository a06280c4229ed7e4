# The barrage CLI as a container image: `docker build -t barrage .`, then
# `docker run --rm --network host barrage run http://127.0.0.1:8080/ -c 50 -d 10`.
# The CLI only: no Electron, no desktop app, no renderer build (so no `barrage serve`).
# It is the image the Kubernetes Jobs of `barrage k8s` run (docs/DISTRIBUTED.md).

# Build stage: the CLI's bundle (bin/cliBundle.js; rolldown is a dev dependency, so it exists
# only here). A run from the bundle reaches its first request on about two thirds of the CPU
# the TypeScript sources need (docs/PERFORMANCE.md, "Start-up"). --ignore-scripts: no Electron
# or Node binary is downloaded; rolldown's native build comes as an ordinary package.
FROM node:22-slim AS bundle
WORKDIR /opt/barrage
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY bin ./bin
COPY src/main ./src/main
COPY src/shared ./src/shared
RUN BARRAGE_BUNDLE_DIR=/opt/barrage/cli node bin/cliBundle.js

# The image: production dependencies, the sources (BARRAGE_NO_BUNDLE=1 runs them, for a stack
# trace in the sources) and the bundle from the build stage, which `barrage` runs as it is
# (BARRAGE_BUNDLE_DIR: no freshness check, no background build). better-sqlite3 ships its
# prebuilt Node-API binaries inside its package, so no install script needs to run.
FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /opt/barrage
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY src/main ./src/main
COPY src/shared ./src/shared
COPY --from=bundle /opt/barrage/cli ./cli
ENV BARRAGE_BUNDLE_DIR=/opt/barrage/cli

# `barrage` on the PATH (the entrypoint, and what a Job's shell runs), the start-up cache
# (V8 code cache of the bundle, type-stripped sources) writable by the unprivileged user, and
# warmed once here for --help and the run command.
RUN ln -s /opt/barrage/bin/barrage.js /usr/local/bin/barrage \
    && mkdir -p node_modules/.cache/barrage \
    && barrage --version \
    && barrage run --help > /dev/null \
    && chown -R node:node node_modules/.cache

USER node
# The run history of runs made in the container (mount a volume here to keep it).
ENV BARRAGE_DB=/home/node/.barrage/history.db
ENTRYPOINT ["barrage"]
CMD ["--help"]
