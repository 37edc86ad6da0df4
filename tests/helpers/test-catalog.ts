import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A throwaway catalog: hello, a second local app, an app whose registry is down, a broken entry. */
export function makeTestCatalog(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-catalog-"));
  const src = path.join(ROOT, "apps-catalog/hello");
  fs.cpSync(src, path.join(dir, "hello"), { recursive: true });
  fs.cpSync(src, path.join(dir, "second"), { recursive: true });
  const y = path.join(dir, "second/app.yaml");
  fs.writeFileSync(y, fs.readFileSync(y, "utf8").replace("id: hello", "id: second").replace("name: Hello", "name: Second"));
  // Port 9 on loopback refuses connections: a registry that is down, without any traffic leaving the machine.
  writeApp(dir, "unreachable", {
    services: { web: { image: `127.0.0.1:9/pcc-test/nothing:1@sha256:${"a".repeat(64)}` } },
    ingress: [{ service: "web", port: 8080 }],
    volumes: { data: {} },
  });
  fs.mkdirSync(path.join(dir, "broken"));
  fs.writeFileSync(path.join(dir, "broken/app.yaml"), "apiVersion: pcc.app/v1\nid: broken\nname: Broken\n");
  return dir;
}

/** Writes apps-catalog-style <dir>/<id>/app.yaml for a test app (fields merged over a minimal test spec). */
export function writeApp(dir: string, id: string, fields: Record<string, unknown>) {
  const spec = {
    apiVersion: "pcc.app/v1",
    id,
    name: id.charAt(0).toUpperCase() + id.slice(1),
    version: "1.0.0",
    tagline: `The ${id} test app`,
    description: `An offline test app (${id}).`,
    category: "utilities",
    developer: { name: "PCC tests" },
    test: true,
    ...fields,
  };
  fs.mkdirSync(path.join(dir, id), { recursive: true });
  fs.writeFileSync(path.join(dir, id, "app.yaml"), stringify(spec));
}
