# syntax=docker/dockerfile:1
# Not exercised by CI here (no Docker engine on the CI machines); test/operations/container.e2e-spec.ts
# checks its shape. Build: docker build -t nest-auth-service .

FROM node:20-bookworm-slim AS build
WORKDIR /app
# bcrypt compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Run with an init (docker run --init, or init: true as in compose.yaml): node gets SIGTERM from it and drains before exiting.
CMD ["node", "--max-old-space-size=128", "dist/main.js"]
