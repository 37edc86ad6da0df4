import { createPrivateKey, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { newKeyPair, publishSource } from "../../server/modules/catalog/source-publish";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type TestKey = { key: KeyObject; publicKey: string; fingerprint: string };

export function testKey(): TestKey {
  const pair = newKeyPair();
  return { key: createPrivateKey(pair.privatePem), publicKey: pair.publicKey, fingerprint: pair.fingerprint };
}

/**
 * The offline hello app (built on this machine from busybox), copied into `<sourceDir>/apps/<id>/` under
 * another id and name, with app.yaml lines appended (a licence section, say).
 */
export function helloAs(sourceDir: string, id: string, name: string, appendYaml = "") {
  const dir = path.join(sourceDir, "apps", id);
  fs.cpSync(path.join(ROOT, "apps-catalog/hello"), dir, { recursive: true });
  const yaml = path.join(dir, "app.yaml");
  fs.writeFileSync(yaml, fs.readFileSync(yaml, "utf8").replace("id: hello", `id: ${id}`).replace("name: Hello", `name: ${name}`) + appendYaml);
}

/** Writes index.json and index.json.sig as a publisher does (scripts/sign-source.ts). */
export async function sign(sourceDir: string, key: TestKey, name: string) {
  const r = await publishSource(sourceDir, key.key, name);
  if (r.problems.length) throw new Error(`cannot sign ${sourceDir}: ${r.problems.join("; ")}`);
  return r.index;
}
