# The app with its embedded engine. Build: docker build -t wenzheng .
# Node 24 LTS (20 reached its end of life in April 2026; the deploy gate needs require() of ES modules)
FROM node:24-bookworm
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev
ENV NODE_ENV=production PORT=3000
EXPOSE 3000
CMD ["node", "dist/server/main.js"]
