// Specs shared by the unit tests of this module.

export const DIGEST = `sha256:${"a".repeat(64)}`;

/** The smallest valid spec: one service, one ingress. */
export const minimalSpec = (): Record<string, any> => ({
  apiVersion: "pcc.app/v1",
  id: "demo",
  name: "Demo",
  version: "1.0.0",
  tagline: "A demo",
  description: "A demo app.",
  category: "utilities",
  developer: { name: "Demo team" },
  services: { web: { image: `ghcr.io/demo/web:1.0@${DIGEST}` } },
  ingress: [{ service: "web", port: 8080 }],
});

/** Every section of the format used at least once. */
export const fullSpec = (): Record<string, any> => ({
  apiVersion: "pcc.app/v1",
  id: "photos",
  name: "Photos",
  version: "1.4.2",
  tagline: "Your photos, on your PCC",
  description: "Back up and browse **your** photos.",
  icon: "icon.svg",
  screenshots: ["screenshots/1.png"],
  category: "photos",
  developer: { name: "Immich team", url: "https://immich.app" },
  website: "https://immich.app",
  releaseNotes: "Faster thumbnails.",
  license: {
    price: { amount: 5, currency: "EUR" },
    purchaseUrl: "https://immich.app/buy",
    publicKey: Buffer.alloc(32, 7).toString("base64"),
  },
  services: {
    web: {
      image: `ghcr.io/immich-app/immich-server:v1.4.2@${DIGEST}`,
      command: ["start.sh"],
      entrypoint: ["/bin/sh", "-c"],
      workingDir: "/app",
      user: "1000:1000",
      env: {
        DB_URL: "postgres://app:${secrets.db-password}@db:5432/app",
        API_KEY: "${settings.exchange-api-key}",
        PUBLIC_URL: "${ingress.main.url}",
        DB_HOST: "${services.db.host}",
        DOMAIN: "${app.domain}",
        THEME: "${settings.theme}",
      },
      volumes: [{ volume: "data", path: "/data", readOnly: false }],
      tmpfs: ["/run", "/var/cache/x"],
      secretFiles: [{ secret: "db-password", path: "/run/secrets/db-password" }],
      healthcheck: { http: { port: 8080, path: "/health" }, interval: "5s", timeout: "500ms", retries: 5, startPeriod: "2m" },
      dependsOn: { db: { condition: "healthy" } },
      resources: { memoryMb: 512, cpus: 1.5, pids: 256 },
    },
    db: {
      image: `docker.io/library/postgres:16@${DIGEST}`,
      env: { POSTGRES_PASSWORD: "${secrets.db-password}" },
      volumes: [{ volume: "db", path: "/var/lib/postgresql/data" }],
      healthcheck: { command: ["pg_isready", "-U", "app"] },
    },
    dns: { build: { context: "build", containerfile: "Containerfile" } },
  },
  ingress: [
    { name: "main", service: "web", port: 8080, subdomain: "photos", public: ["/share/", "/api/shared-link"], auth: { method: "none" } },
    { name: "admin", service: "web", port: 9000, auth: { method: "header", header: "Remote-User" } },
  ],
  ports: [{ name: "dns", service: "dns", containerPort: 53, protocol: "udp", hostPort: 53, description: "Answers DNS queries from your devices" }],
  volumes: { data: { description: "Your photos" }, db: {} },
  secrets: { "db-password": { length: 32, alphabet: "alphanumeric", show: false, description: "Database password" } },
  settings: [
    { key: "exchange-api-key", type: "password", label: "Exchange API key", required: true },
    { key: "theme", type: "select", label: "Theme", default: "dark", options: [{ value: "dark", label: "Dark" }, { value: "light", label: "Light" }] },
  ],
  permissions: { internet: { hosts: ["api.binance.com"] }, lan: false, devices: ["gpu"] },
});
