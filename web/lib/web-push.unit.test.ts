import { describe, expect, it } from "vitest";
import { keyBytes } from "./web-push";

describe("keyBytes", () => {
  it("decodes base64url (no padding, - and _) to the raw bytes applicationServerKey takes", () => {
    const raw = Buffer.from([4, 251, 255, 62, 63, 0, 1, 2, 3]);
    expect(Buffer.from(keyBytes(raw.toString("base64url")))).toEqual(raw);
    expect(keyBytes(Buffer.alloc(65, 4).toString("base64url"))).toHaveLength(65);
  });
});
