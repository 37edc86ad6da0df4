import { afterAll, describe, expect, it } from "vitest";
import { importCasaos } from "./casaos";
import { cleanup, importFixture, notesAbout, type Imported } from "./test-helpers";

const made: string[] = [];
afterAll(() => cleanup(made));

describe("import --from casaos: x-casaos with port_map, main and descriptions", () => {
  let r: Imported;
  it("produces a folder that passes lint", async () => {
    r = await importFixture("casaos", "casaos/recipebox");
    made.push(r.dir);
    expect(r.lint.errors).toEqual([]);
    expect(r.lint.spec?.id).toBe("recipebox");
  });

  it("maps port_map (a host port) to the container port of the main service", () => {
    expect(r.spec.ingress).toEqual([{ service: "recipebox", port: 9000 }]);
    expect(r.body).not.toContain("10380");
  });

  it("makes the database password written in both services one secret; every literal password is gone", () => {
    expect(r.spec.services.recipebox.env.DB_PASSWORD).toBe("${secrets.db-password}");
    expect(r.spec.services["recipebox-db"].env.MARIADB_PASSWORD).toBe("${secrets.db-password}");
    expect(r.spec.services["recipebox-db"].env.MARIADB_ROOT_PASSWORD).toBe("${secrets.mariadb-root-password}");
    expect(r.spec.secrets["secret-key"]).toEqual({ length: 32, alphabet: "hex" });
    expect(r.yaml).not.toMatch(/casaos-recipes|5b8e2f7c/);
  });

  it("maps /DATA/AppData/$AppID to app volumes with x-casaos descriptions, a shared /DATA folder to its own volume", () => {
    expect(r.spec.services.recipebox.volumes).toEqual([
      { volume: "data", path: "/app/data" },
      { volume: "media-recipes", path: "/recipes" },
    ]);
    expect(r.spec.volumes).toEqual({
      data: { description: "Recipe database, photos and settings" },
      "media-recipes": { description: "Recipes to import" },
      db: { description: "Database files" },
    });
    expect(notesAbout(r.result.notes, /\/DATA\/Media\/Recipes is a folder the CasaOS owner shares/)[0]?.level).toBe("review");
  });

  it("uses $PUID/$PGID, $TZ, host names and the memory reservation", () => {
    expect(r.spec.services.recipebox.env).toMatchObject({ PUID: "1000", PGID: "1000", TZ: "${settings.timezone}", DB_HOST: "${services.recipebox-db.host}" });
    expect(r.spec.services.recipebox.resources).toEqual({ memoryMb: 512 });
    expect(r.spec.services["recipebox-db"].tmpfs).toEqual(["/run/mysqld"]);
  });

  it("fills store facts from x-casaos and notes what it cannot carry (icon URL, screenshots, thumbnail)", () => {
    expect(r.spec).toMatchObject({ name: "RecipeBox", version: "0.18.0", tagline: "Your family recipes, organised", category: "productivity", website: "https://recipebox.example.org" });
    expect(r.spec.developer).toEqual({ name: "RecipeBox team" });
    expect(r.spec.description).toMatch(/^RecipeBox collects[\s\S]*Before you start: Sign in with the account/);
    expect(notesAbout(r.result.notes, /x-casaos\.icon: the icon at https:\/\/cdn\.example\.org/)[0]?.level).toBe("review");
    expect(notesAbout(r.result.notes, /x-casaos\.screenshot_link/)).toHaveLength(1);
    expect(notesAbout(r.result.notes, /x-casaos\.thumbnail/)[0]?.level).toBe("dropped");
    expect(notesAbout(r.result.notes, /"Notes" mapped to PCC's category "productivity"/)).toHaveLength(1);
  });

  it("ignores network_mode: bridge quietly (it loosens nothing) and drops x-casaos from services", () => {
    expect(r.result.notes.filter((n) => n.level === "refused")).toEqual([]);
    expect(r.body).not.toMatch(/x-casaos|network_mode|container_name/);
  });
});

describe("importCasaos (pure)", () => {
  it("refuses a compose file without x-casaos and says what to use instead", () => {
    expect(() => importCasaos({ files: { "docker-compose.yml": "services:\n  a:\n    image: x\n" }, listing: [], name: "x" })).toThrow(/--from compose/);
  });

  it("copies an icon found next to the compose file and resolves port_map given with a variable default", () => {
    const r = importCasaos({
      files: {
        "docker-compose.yml": `name: tiny
services:
  tiny:
    image: ghcr.io/acme/tiny:2.0.0@sha256:${"f".repeat(64)}
    ports:
      - "\${WEBUI_PORT:-8088}:80"
x-casaos:
  main: tiny
  port_map: "\${WEBUI_PORT:-8088}"
  title: { en_us: Tiny }
  category: Utilities
`,
        "icon.svg": Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      },
      listing: ["docker-compose.yml", "icon.svg"],
      name: "Tiny",
    });
    const y = r.files["app.yaml"] as string;
    expect(y).toMatch(/ingress:\n {2}- service: tiny\n {4}port: 80\n/);
    expect(String(r.files["icon.svg"])).toBe('<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect(y).toMatch(/^name: Tiny$/m);
    expect(y).toMatch(/^category: utilities$/m);
  });
});
