# The barrage CLI as a container image: `docker build -t barrage .`, then
# `docker run --rm --network host barrage run http://127.0.0.1:8080/ -c 50 -d 10`.
# The CLI only: no Electron, no desktop app, no renderer build (so no `barrage serve`).
# It is the image the Kubernetes Jobs of `barrage k8s` run (docs/DISTRIBUTED.md).
FROM node:22-slim

# Barrage runs its TypeScript sources directly (Node >= 22.18 strips the types), so there is no
# build step: the image holds the sources and the production dependencies. better-sqlite3 ships
# its prebuilt Node-API binaries inside its package, so no install script needs to run.
ENV NODE_ENV=production
WORKDIR /opt/barrage
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY src/main ./src/main
COPY src/shared ./src/shared

# `barrage` on the PATH (the entrypoint, and what a Job's shell runs), the start-up cache
# (type-stripped sources, V8 code cache) writable by the unprivileged user, and warmed once here.
RUN ln -s /opt/barrage/bin/barrage.js /usr/local/bin/barrage \
    && mkdir -p node_modules/.cache/barrage \
    && barrage --version \
    && chown -R node:node node_modules/.cache

USER node
# The run history of runs made in the container (mount a volume here to keep it).
ENV BARRAGE_DB=/home/node/.barrage/history.db
ENTRYPOINT ["barrage"]
CMD ["--help"]
