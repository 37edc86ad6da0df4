import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateSecret, SecretBox } from "./secret-box";

describe("SecretBox", () => {
  it("round-trips, and the sealed text does not contain the secret", () => {
    const box = SecretBox.forTests();
    const sealed = box.seal("hunter2-hunter2", "app/db-password");
    expect(sealed).not.toContain("hunter2");
    expect(box.open(sealed, "app/db-password")).toBe("hunter2-hunter2");
  });

  it("refuses a value moved to another app or name, a tampered one, or another key", () => {
    const box = SecretBox.forTests();
    const sealed = box.seal("s3cret", "a/x");
    expect(() => box.open(sealed, "b/x")).toThrow();
    const parts = sealed.split(".");
    parts[2] = Buffer.from("other").toString("base64url");
    expect(() => box.open(parts.join("."), "a/x")).toThrow();
    expect(() => SecretBox.forTests().open(sealed, "a/x")).toThrow();
    expect(() => box.open("garbage", "a/x")).toThrow();
  });

  it("creates its key once, 0600, and reads the same key afterwards", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-secrets-"));
    try {
      const file = path.join(dir, "secrets.key");
      const sealed = SecretBox.open(file).seal("v", "c");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(SecretBox.open(file).open(sealed, "c")).toBe("v");
      fs.writeFileSync(file, "short");
      expect(() => SecretBox.open(file)).toThrow(/not a 32-byte key/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("generateSecret", () => {
  it.each([
    ["alphanumeric", /^[A-Za-z0-9]{40}$/],
    ["hex", /^[0-9a-f]{40}$/],
    ["base64url", /^[A-Za-z0-9_-]{40}$/],
    ["numeric", /^[0-9]{40}$/],
  ] as const)("%s", (alphabet, re) => {
    const a = generateSecret(40, alphabet);
    expect(a).toMatch(re);
    expect(generateSecret(40, alphabet)).not.toBe(a);
  });
});
