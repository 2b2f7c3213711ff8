# One image for every OmniFlow process of a cluster: the servers and the worker differ only in
# MEDUSA_WORKER_MODE. It is Medusa's production build of this app (`medusa build`: server
# code and admin dashboard in .medusa/server), started from there; the packages stay in
# /app/node_modules, which Node finds from .medusa/server.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx medusa build
WORKDIR /app/.medusa/server
ENV NODE_ENV=production PORT=9000
EXPOSE 9000
CMD ["npx", "medusa", "start"]
