import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { tableName } from "../adapters/firewall/nft-script";
import { legacyChainPrefix } from "../adapters/firewall/legacy-iptables";
import { instanceTag } from "./instance-tag";

describe("instanceTag", () => {
  it("is the data folder's SHA-256, cut short: the names an installed PCC already uses stay the same", () => {
    const dir = "/var/lib/pcc";
    const hex = createHash("sha256").update(dir).digest("hex");
    expect(instanceTag(dir, 6)).toBe(hex.slice(0, 6));
    expect(tableName(dir)).toBe(`pcc-${hex.slice(0, 8)}`);
    expect(legacyChainPrefix(dir)).toBe(`PCC-${hex.slice(0, 8)}`);
  });
});
