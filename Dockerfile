# The Lancer app (`lancer bot`) for deployment. Settings come from the environment (see
# `lancer bot --help`): APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET, GITHUB_URL.
FROM node:24-bookworm-slim
# git publishes the leaderboard (one clone and one push per payout).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY bin ./bin
COPY src ./src
COPY templates ./templates
COPY app.yml action.yml ./
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
EXPOSE 3000
USER node
CMD ["node", "bin/lancer.js", "bot"]
