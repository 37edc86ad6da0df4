import { afterAll, describe, expect, it } from "vitest";
import { importRuntipi } from "./runtipi";
import { cleanup, importFixture, notesAbout, pinImages, type Imported } from "./test-helpers";

const made: string[] = [];
const load = async (rel: string) => {
  const r = await importFixture("runtipi", rel);
  made.push(r.dir);
  return r;
};
afterAll(() => cleanup(made));

describe("import --from runtipi: config.json form fields and docker-compose.json", () => {
  let r: Imported;
  it("lints once its two unpinned images are pinned (Runtipi does not pin digests)", async () => {
    r = await load("runtipi/tidyfeeds");
    expect(r.lint.errors.map((e) => e.path)).toEqual(["services.tidyfeeds.image", "services.tidyfeeds-db.image"]);
    expect(r.lint.errors.every((e) => /pinned by digest/.test(e.message))).toBe(true);
    expect(notesAbout(r.result.notes, /not pinned by digest/)).toHaveLength(2);
    expect((await pinImages(r.dir)).errors).toEqual([]);
  });

  it("keeps internalPort of the isMain service as the ingress; the UDP port becomes a ports entry", () => {
    expect(r.spec.ingress).toEqual([{ service: "tidyfeeds", port: 8080 }]);
    expect(r.spec.ports).toEqual([expect.objectContaining({ name: "tidyfeeds-1900-udp", service: "tidyfeeds", containerPort: 1900, protocol: "udp" })]);
    expect(r.body).not.toContain("8612");
  });

  it("makes random form fields generated secrets, the same one wherever the field is used", () => {
    expect(r.spec.secrets["tidyfeeds-db-password"]).toEqual({ length: 32 });
    expect(r.spec.secrets["tidyfeeds-secret-key"]).toEqual({ length: 64, alphabet: "hex" });
    expect(r.spec.services.tidyfeeds.env.DATABASE_URL).toBe("postgres://tipi:${secrets.tidyfeeds-db-password}@${services.tidyfeeds-db.host}:5432/tidyfeeds");
    expect(r.spec.services["tidyfeeds-db"].env.POSTGRES_PASSWORD).toBe("${secrets.tidyfeeds-db-password}");
  });

  it("makes a password field a secret shown to the owner, other fields settings; unused fields are noted", () => {
    expect(r.spec.secrets["tidyfeeds-admin-password"]).toEqual({ length: 20, show: true, description: "Admin password" });
    expect(r.spec.settings).toEqual([
      { key: "tidyfeeds-admin-user", type: "text", label: "Admin username", required: true, default: "admin" },
      { key: "tidyfeeds-signups", type: "boolean", label: "Allow sign-ups", required: false },
      expect.objectContaining({ key: "timezone", default: "UTC" }),
    ]);
    expect(notesAbout(r.result.notes, /TIDYFEEDS_UNUSED: no service uses them/)).toHaveLength(1);
  });

  it("maps Runtipi's variables, volumes, health checks and depends_on", () => {
    expect(r.spec.services.tidyfeeds.env.BASE_URL).toBe("${app.url}");
    expect(r.spec.services.tidyfeeds.volumes).toEqual([{ volume: "feeds", path: "/var/lib/tidyfeeds" }]);
    expect(r.spec.services.tidyfeeds.healthcheck).toEqual({ http: { port: 8080, path: "/health" }, interval: "30s", timeout: "10s", retries: 3, startPeriod: "20s" });
    expect(r.spec.services.tidyfeeds.dependsOn).toEqual({ "tidyfeeds-db": { condition: "healthy" } });
    expect(r.spec.services["tidyfeeds-db"].healthcheck).toEqual({ command: ["pg_isready", "-U", "tipi"], interval: "10s" });
  });

  it("fills store facts from config.json and metadata/description.md", () => {
    expect(r.spec).toMatchObject({ name: "TidyFeeds", version: "1.9.2", tagline: "A quiet feed reader for your news and blogs", category: "utilities", website: "https://tidyfeeds.example.org" });
    expect(r.spec.description).toMatch(/keyboard shortcuts and no tracking/);
  });
});

describe("import --from runtipi: the newer docker-compose.yml with x-runtipi", () => {
  it("takes internal_port of the is_main service and lints", async () => {
    const r = await load("runtipi/pastebox");
    expect(r.lint.errors).toEqual([]);
    expect(r.spec.ingress).toEqual([{ service: "pastebox", port: 7777 }]);
    expect(r.spec.services.pastebox.env).toEqual({ SIGNING_KEY: "${secrets.pastebox-key}", PASTEBOX_URL: "${app.url}" });
    expect(r.spec.secrets).toEqual({ "pastebox-key": { length: 40 } });
    expect(r.spec.category).toBe("developer");
  });
});

describe("import --from runtipi: an old docker-compose.yml with Traefik labels", () => {
  it("takes the container side of ${APP_PORT}:<port>, drops the Traefik labels, and lints", async () => {
    const r = await load("runtipi/oldnotes");
    expect(r.lint.errors).toEqual([]);
    expect(r.spec.ingress).toEqual([{ service: "oldnotes", port: 8000 }]);
    expect(r.body).not.toMatch(/traefik|tipi_main_network/);
    expect(r.spec.version).toBe("2.1.0");
    expect(r.spec.category).toBe("files");
  });
});

describe("importRuntipi (pure)", () => {
  it("needs config.json and a compose file", () => {
    expect(() => importRuntipi({ files: {}, listing: [], name: "x" })).toThrow(/no config.json/);
    expect(() => importRuntipi({ files: { "config.json": "{}" }, listing: [], name: "x" })).toThrow(/no docker-compose/);
    expect(() => importRuntipi({ files: { "config.json": "{" }, listing: [], name: "x" })).toThrow(/not valid JSON/);
  });

  it("carries sandbox fields of docker-compose.json to the same refusals as compose", () => {
    const r = importRuntipi({
      files: {
        "config.json": JSON.stringify({ id: "net-tool", name: "Net tool", version: "1.0.0", form_fields: [] }),
        "docker-compose.json": JSON.stringify({
          services: [{ name: "tool", image: `ghcr.io/acme/tool:1@sha256:${"e".repeat(64)}`, isMain: true, internalPort: 80, networkMode: "host", capAdd: ["NET_ADMIN"], privileged: true }],
        }),
      },
      listing: [],
      name: "x",
    });
    const refused = r.notes.filter((n) => n.level === "refused").map((n) => n.source);
    expect(refused.sort()).toEqual(["docker-compose.json: services.tool.cap_add", "docker-compose.json: services.tool.network_mode", "docker-compose.json: services.tool.privileged"]);
    expect((r.files["app.yaml"] as string).split("\n").filter((l) => !l.startsWith("#")).join("\n")).not.toMatch(/NET_ADMIN|privileged|network/i);
  });
});
