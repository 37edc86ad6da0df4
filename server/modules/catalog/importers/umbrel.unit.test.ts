import { afterAll, describe, expect, it } from "vitest";
import { cleanup, importFixture, notesAbout, type Imported } from "./test-helpers";
import { importUmbrel } from "./umbrel";

const made: string[] = [];
afterAll(() => cleanup(made));

describe("import --from umbrel: app_proxy, ${APP_SEED}, a default login, exports.sh", () => {
  let r: Imported;
  it("produces a folder that passes lint (Umbrel pins digests, so nothing is left to fix)", async () => {
    r = await importFixture("umbrel", "umbrel/linkvault");
    made.push(r.dir);
    expect(r.lint.errors).toEqual([]);
    expect(r.lint.spec?.id).toBe("linkvault");
  });

  it("drops Umbrel's proxy and Tor, and takes the web entry from APP_HOST/APP_PORT (the port inside the container)", () => {
    expect(Object.keys(r.spec.services)).toEqual(["web", "worker", "db"]);
    expect(r.spec.ingress).toEqual([{ service: "web", port: 3000, public: ["/api/public/"] }]);
    expect(notesAbout(r.result.notes, /services\.app_proxy: Umbrel's sign-in proxy/)[0]?.level).toBe("dropped");
    expect(notesAbout(r.result.notes, /services\.tor_server: a Tor hidden service/)).toHaveLength(1);
    expect(r.body).not.toMatch(/3480|app_proxy|tor_server/);
  });

  it("makes ${APP_SEED} one secret used by every service that shares it", () => {
    expect(r.spec.secrets["app-seed"]).toEqual({ length: 64, alphabet: "hex" });
    expect(r.spec.services.web.env.SESSION_KEY).toBe("${secrets.app-seed}");
    expect(r.spec.services.worker.env.SESSION_KEY).toBe("${secrets.app-seed}");
  });

  it("makes the literal database password (shared through YAML anchors) one secret", () => {
    const refs = [r.spec.services.web.env.DB_PASS, r.spec.services.worker.env.DB_PASS, r.spec.services.db.env.POSTGRES_PASSWORD];
    expect(new Set(refs)).toEqual(new Set(["${secrets.db-pass}"]));
    expect(r.yaml).not.toContain("umbrel-linkvault-db-pass");
    expect(Object.keys(r.spec.secrets).sort()).toEqual(["app-linkvault-export-token", "app-password", "app-seed", "db-pass"]);
  });

  it("turns the default login into a secret shown to the owner and a line of the description", () => {
    expect(r.spec.secrets["app-password"]).toEqual({ length: 24, show: true, description: 'Password of the user "umbrel", shown to the owner' });
    expect(r.spec.services.web.env.ADMIN_PASSWORD).toBe("${secrets.app-password}");
    expect(r.spec.description).toMatch(/Sign in as "umbrel" with the password shown after install\.$/);
  });

  it("resolves Umbrel's variables: host names, the domain, exports.sh (derived values become secrets)", () => {
    expect(r.spec.services.web.env.DB_HOST).toBe("${services.db.host}");
    expect(r.spec.services.web.env.BASE_URL).toBe("${app.url}");
    expect(r.spec.services.web.env.EXPORT_TOKEN).toBe("${secrets.app-linkvault-export-token}");
    expect(r.spec.services.web.env.ONION_URL).toBeUndefined();
    expect(notesAbout(r.result.notes, /APP_HIDDEN_SERVICE.*Tor/)[0]?.level).toBe("dropped");
  });

  it("maps app data folders to volumes, keeps digests, users and health checks", () => {
    expect(r.spec.services.web.volumes).toEqual([{ volume: "uploads", path: "/app/uploads" }]);
    expect(r.spec.services.db.volumes).toEqual([{ volume: "db", path: "/var/lib/postgresql/data" }]);
    expect(r.spec.services.web.image).toMatch(/^ghcr\.io\/example\/linkvault:3\.2\.0@sha256:[0-9a-f]{64}$/);
    expect(r.spec.services.db.image).toMatch(/^docker\.io\/library\/postgres:15\.6@sha256:/);
    expect(r.spec.services.db.user).toBe("1000:1000");
    expect(r.spec.services.db.healthcheck).toEqual({ command: ["pg_isready", "-U", "linkvault"], interval: "10s", timeout: "5s", retries: 5 });
    expect(r.spec.services.worker.dependsOn).toEqual({ db: { condition: "healthy" } });
  });

  it("fills store facts from umbrel-app.yml: semver-ised version, category, developer, GPU", () => {
    expect(r.spec).toMatchObject({ name: "LinkVault", version: "3.2.0", tagline: "Save, tag and search your bookmarks", category: "files", website: "https://linkvault.example.org" });
    expect(r.spec.developer).toEqual({ name: "LinkVault Contributors", url: "https://linkvault.example.org" });
    expect(r.spec.permissions).toEqual({ internet: false, devices: ["gpu"] });
    expect(notesAbout(r.result.notes, /gallery/)[0]?.level).toBe("review");
  });
});

describe("importUmbrel (pure)", () => {
  const digest = `sha256:${"d".repeat(64)}`;
  const src = (manifest: string, compose: string) => ({ files: { "umbrel-app.yml": manifest, "docker-compose.yml": compose }, listing: ["hooks/"], name: "x" });

  it("needs both files", () => {
    expect(() => importUmbrel({ files: { "docker-compose.yml": "services: {}" }, listing: [], name: "x" })).toThrow(/no umbrel-app.yml/);
  });

  it("finds the web service through an IP variable, writes a built-in default password into the description", () => {
    const r = importUmbrel(
      src(
        "manifestVersion: 1\nid: code-box\nname: Code Box\nversion: \"4.1\"\ncategory: developer\ndefaultUsername: admin\ndefaultPassword: changeme\ndependencies: [bitcoin]\n",
        `services:
  app_proxy:
    environment:
      APP_HOST: $APP_CODE_BOX_SERVER_IP
      APP_PORT: 8080
  server:
    image: ghcr.io/acme/code:4.1@${digest}
    environment:
      RPC_PASS: $APP_BITCOIN_RPC_PASS
      TRUSTED_PROXIES: \${NETWORK_IP}/16
      TRUSTED_DOMAINS: \${APP_CODE_BOX_LOCAL_IPS} \${DEVICE_HOSTNAME}
    networks:
      default:
        ipv4_address: $APP_CODE_BOX_SERVER_IP
`,
      ),
    );
    const y = r.files["app.yaml"] as string;
    expect(y).toMatch(/ingress:\n {2}- service: server\n {4}port: 8080/);
    expect(y).toContain('Default sign-in: user "admin", password "changeme"');
    expect(y).toContain("RPC_PASS: ${settings.app-bitcoin-rpc-pass}");
    expect(y).toMatch(/type: password/);
    expect(notesAbout(r.notes, /needs the Umbrel app\(s\) bitcoin/)[0]?.breaksApp).toBe(true);
    expect(notesAbout(r.notes, /^hooks\//)).toHaveLength(1);
    expect(y).toMatch(/^version: 4\.1\.0$/m);
    // Umbrel's network address and LAN addresses have no PCC value: left out rather than kept as "/16".
    expect(y).not.toMatch(/TRUSTED_PROXIES/);
    expect(y).toContain("TRUSTED_DOMAINS: ${app.domain}\n");
    expect(notesAbout(r.notes, /NETWORK_IP.*Umbrel's app network/)[0]?.level).toBe("dropped");
  });
});
