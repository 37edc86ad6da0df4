import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { importCompose } from "./compose";
import { cleanup, importFixture, notesAbout, pinImages, type Imported } from "./test-helpers";

const made: string[] = [];
const load = async (rel: string, opts = {}) => {
  const r = await importFixture("compose", rel, opts);
  made.push(r.dir);
  return r;
};
afterAll(() => cleanup(made));

describe("import --from compose: a web app with postgres sharing a password (.env)", () => {
  let r: Imported;
  it("produces a folder that passes lint", async () => {
    r = await load("compose/pinboard");
    expect(r.lint.errors).toEqual([]);
    expect(r.lint.spec?.id).toBe("pinboard");
    expect(Object.keys(r.result.files).sort()).toEqual(["app.yaml", "icon.svg"]);
  });

  it("keeps the container's HTTP port as the ingress, not the host port it was published on", () => {
    expect(r.spec.ingress).toEqual([{ service: "web", port: 8080 }]);
    expect(r.spec.ports).toBeUndefined();
    expect(notesAbout(r.result.notes, /host port 18080 → 8080 is not needed/)).toHaveLength(1);
  });

  it("turns the shared password into one generated secret referenced by both services", () => {
    expect(Object.keys(r.spec.secrets)).toEqual(["db-password"]);
    expect(r.spec.services.web.env.DATABASE_URL).toBe("postgres://pinboard:${secrets.db-password}@${services.db.host}:5432/pinboard");
    expect(r.spec.services.db.env.POSTGRES_PASSWORD).toBe("${secrets.db-password}");
    expect(r.yaml).not.toContain("pinboard-local-dev-password");
  });

  it("keeps image digests and writes the registry out", () => {
    expect(r.spec.services.web.image).toMatch(/^ghcr\.io\/example\/pinboard:2\.4\.1@sha256:[0-9a-f]{64}$/);
    expect(r.spec.services.db.image).toMatch(/^docker\.io\/library\/postgres:16\.4-alpine@sha256:[0-9a-f]{64}$/);
    expect(notesAbout(r.result.notes, /not pinned by digest/)).toEqual([]);
  });

  it("maps health checks: curl to an HTTP probe, CMD to a command, a plain string to exec form", () => {
    expect(r.spec.services.web.healthcheck).toEqual({ http: { port: 8080, path: "/healthz" }, interval: "30s", timeout: "5s", retries: 3, startPeriod: "90s" });
    expect(r.spec.services.db.healthcheck).toEqual({ command: ["pg_isready", "-U", "pinboard"], interval: "10s" });
    expect(r.spec.services.cache.healthcheck).toEqual({ command: ["valkey-cli", "ping"] });
  });

  it("keeps depends_on conditions, resources, user, command, tmpfs and volumes (never host paths)", () => {
    expect(r.spec.services.web.dependsOn).toEqual({ db: { condition: "healthy" }, cache: { condition: "started" } });
    expect(r.spec.services.web.resources).toEqual({ memoryMb: 512, cpus: 1.5 });
    expect(r.spec.services.db.resources).toEqual({ memoryMb: 256 });
    expect(r.spec.services.web.user).toBe("1000:1000");
    expect(r.yaml).toContain('user: "1000:1000"');
    expect(r.spec.services.web.command).toEqual(["pinboard", "serve", "--listen", "0.0.0.0:8080"]);
    expect(r.spec.services.cache.command).toEqual(["valkey-server", "--save", "60", "1"]);
    expect(r.spec.services.web.tmpfs).toEqual(["/run/pinboard"]);
    expect(r.spec.services.db.tmpfs).toEqual(["/var/run/postgresql"]);
    expect(r.spec.services.web.volumes).toEqual([
      { volume: "uploads", path: "/data/uploads" },
      { volume: "config", path: "/etc/pinboard", readOnly: true },
    ]);
    expect(Object.keys(r.spec.volumes).sort()).toEqual(["cache", "config", "db-data", "uploads"]);
    expect(notesAbout(r.result.notes, /\.\/config next to the compose file became the app volume "config"/)[0]?.level).toBe("review");
  });

  it("resolves references: service host names, the app's own URL, the time zone, $$ escapes", () => {
    expect(r.spec.services.web.env.REDIS_HOST).toBe("${services.cache.host}");
    expect(r.spec.services.web.env.PUBLIC_URL).toBe("${app.url}");
    expect(r.spec.services.web.env.TZ).toBe("${settings.timezone}");
    expect(r.spec.settings).toEqual([expect.objectContaining({ key: "timezone", type: "text", default: "Europe/Paris" })]);
    expect(r.spec.services.web.env.PRICE_FORMAT).toBe("$1.00");
    expect(r.spec.services.web.env.LOG_LEVEL).toBe("info");
  });

  it("does not publish the database; notes restart once for all services", () => {
    const db = notesAbout(r.result.notes, /services\.db\.ports/);
    expect(db).toHaveLength(1);
    expect(db[0]!.level).toBe("dropped");
    expect(notesAbout(r.result.notes, /services\.\{web,db\}\.restart/)).toHaveLength(1);
  });

  it("writes placeholders the author must review, each with a note", () => {
    expect(r.spec.category).toBe("other");
    for (const f of ["name", "tagline", "description", "category", "developer"]) expect(notesAbout(r.result.notes, new RegExp(`^app\\.yaml: ${f}:`))[0]?.level).toBe("review");
    expect(r.result.files["icon.svg"]).toMatch(/^<svg[^>]*>[\s\S]*>P<\/text>/);
  });
});

describe("import --from compose: a literal password inside a URL, images without digests", () => {
  let r: Imported;
  it("lints once the images are pinned, and only the digests are missing before", async () => {
    r = await load("compose/wiki-literal", { id: "wiki" });
    expect(r.lint.errors.map((e) => e.path)).toEqual(["services.wiki.image", "services.wiki-db.image"]);
    expect(r.lint.errors.every((e) => /must be pinned by digest/.test(e.message))).toBe(true);
    expect(notesAbout(r.result.notes, /not pinned by digest/).map((n) => n.level)).toEqual(["blocking", "blocking"]);
    expect((await pinImages(r.dir)).errors).toEqual([]);
  });

  it("keeps the tag (it never invents a digest)", () => {
    expect(r.spec.services.wiki.image).toBe("docker.io/example/wiki:5.2");
  });

  it("makes the literal password one secret, also inside the URL, but leaves the user name alone", () => {
    expect(r.spec.services["wiki-db"].env.POSTGRES_PASSWORD).toBe("${secrets.postgres-password}");
    expect(r.spec.services.wiki.env.DATABASE_URL).toBe("postgresql://wiki:${secrets.postgres-password}@${services.wiki-db.host}:5432/wiki?schema=public");
    expect(r.spec.services.wiki.env.POSTGRES_USER).toBe("wiki");
    expect(r.spec.secrets["app-secret"]).toEqual({ length: 32, alphabet: "hex" });
    expect(r.yaml).not.toMatch(/Zq8rT2vLx9pW|0c5d3e9a7b1f4c2d/);
  });

  it("asks the owner for another service's credential instead of generating it", () => {
    expect(r.spec.services.wiki.env.SMTP_PASSWORD).toBe("${settings.smtp-password}");
    expect(r.spec.settings).toEqual([{ key: "smtp-password", type: "password", label: "SMTP_PASSWORD", required: true }]);
    expect(r.yaml).not.toContain("my-mail-account-pw");
  });

  it("makes a non-HTTP published port a ports entry with a description to write", () => {
    expect(r.spec.ports).toEqual([
      { name: "wiki-5353-udp", service: "wiki", containerPort: 5353, protocol: "udp", hostPort: 53, description: expect.stringMatching(/say what the owner's devices use it for/) },
    ]);
  });
});

describe("importCompose (pure)", () => {
  const src = (compose: string, extra: Record<string, string> = {}) => ({ files: { "docker-compose.yml": compose, ...extra }, listing: [], name: "demo" });

  it("refuses a file that is not compose", () => {
    expect(() => importCompose(src("just text"))).toThrow(/not a compose file/);
    expect(() => importCompose(src("services: {}"))).toThrow(/declares no services/);
    expect(() => importCompose({ files: {}, listing: [], name: "x" })).toThrow(/no compose file found/);
  });

  it("uses labels for store facts and the image tag for the version", () => {
    const r = importCompose(
      src(`services:
  app:
    image: ghcr.io/acme/tool:v2.3.4@sha256:${"c".repeat(64)}
    labels:
      org.opencontainers.image.title: Acme Tool
      org.opencontainers.image.description: Does acme things.
      org.opencontainers.image.vendor: Acme
    expose: ["9000"]
`),
    );
    const y = r.files["app.yaml"] as string;
    expect(y).toMatch(/^name: Acme Tool$/m);
    expect(y).toMatch(/^version: 2\.3\.4$/m);
    expect(y).toMatch(/^ {2}name: Acme$/m);
    expect(y).toMatch(/port: 9000/);
  });

  it("turns a variable with no value into a setting, a secret-like one into a secret, PUID into 1000", () => {
    const r = importCompose(
      src(`services:
  app:
    image: ghcr.io/acme/tool:1@sha256:${"c".repeat(64)}
    ports: ["8000:8000"]
    environment:
      - SITE_NAME=\${SITE_NAME}
      - API_TOKEN=\${API_TOKEN}
      - PUID=\${PUID}
      - LITERAL=$$HOME and $$\{not}
`),
    );
    const y = r.files["app.yaml"] as string;
    expect(y).toContain("SITE_NAME: ${settings.site-name}");
    expect(y).toContain("API_TOKEN: ${secrets.api-token}");
    expect(y).toContain('PUID: "1000"');
    expect(y).toContain("LITERAL: $HOME and $${not}");
    expect(notesAbout(r.notes, /SITE_NAME.*became a setting/)[0]?.level).toBe("review");
  });

  it("a bind of a single config file becomes a declared volume and a note, never a host path", () => {
    const r = importCompose(
      src(`services:
  app:
    image: ghcr.io/acme/tool:1@sha256:${"c".repeat(64)}
    ports: ["8000:8000"]
    volumes:
      - ./config.yml:/app/config.yml:ro
      - ./data:/app/data
      - ./data/settings.json:/app/data/settings.json
`),
    );
    const spec = parse(r.files["app.yaml"] as string);
    expect(spec.volumes["config-file"].description).toMatch(/^Held \.\/config\.yml, mounted as the file \/app\/config\.yml/);
    expect(spec.services.app.volumes).toEqual([{ volume: "data", path: "/app/data" }]);
    expect(notesAbout(r.notes, /single file \/app\/config\.yml/)[0]?.level).toBe("review");
    expect(notesAbout(r.notes, /inside the volume "data"/)).toHaveLength(1);
  });

  it("downgrades a healthy condition on a service without healthcheck, and drops a one-off job condition with a note", () => {
    const r = importCompose(
      src(`services:
  app:
    image: ghcr.io/acme/tool:1@sha256:${"c".repeat(64)}
    ports: ["8000:8000"]
    depends_on:
      db: { condition: service_healthy }
      migrate: { condition: service_completed_successfully }
  db:
    image: ghcr.io/acme/db:1@sha256:${"c".repeat(64)}
  migrate:
    image: ghcr.io/acme/tool:1@sha256:${"c".repeat(64)}
    command: migrate
`),
    );
    const y = r.files["app.yaml"] as string;
    expect(y).toMatch(/db:\n\s+condition: started\n\s+migrate:\n\s+condition: started/);
    expect(notesAbout(r.notes, /has no healthcheck PCC can run/)).toHaveLength(1);
    expect(notesAbout(r.notes, /one-off job/)).toHaveLength(1);
  });
});
