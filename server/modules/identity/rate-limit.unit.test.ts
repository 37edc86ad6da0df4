import { describe, expect, it } from "vitest";
import { DomainError } from "../../errors";
import { clientKey, RateLimiter } from "./rate-limit";

describe("clientKey", () => {
  it.each([
    [null, "unknown"],
    ["198.18.0.2", "198.18.0.2"],
    ["::ffff:198.18.0.2", "198.18.0.2"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
  ])("%s → %s", (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });
});

describe("RateLimiter", () => {
  it("allows `limit` hits per client in a sliding window, then refuses that client only", () => {
    const clock = { t: 0 };
    const rl = new RateLimiter(3, 60_000, () => clock.t);
    for (let i = 0; i < 3; i++) {
      rl.check("a");
      rl.hit("a");
      clock.t += 1000;
    }
    expect(() => rl.check("a")).toThrow(DomainError);
    expect(() => rl.check("b")).not.toThrow();
    clock.t = 60_001; // the first hit left the window
    expect(() => rl.check("a")).not.toThrow();
  });

  it("take() counts every call", () => {
    const rl = new RateLimiter(2, 60_000, () => 0);
    rl.take("a");
    rl.take("a");
    expect(() => rl.take("a")).toThrow(/Too many attempts/);
  });

  it("keeps memory bounded by forgetting the least recent clients", () => {
    const rl = new RateLimiter(1, 60_000, () => 0, 100);
    for (let i = 0; i < 1000; i++) rl.hit(`c${i}`);
    expect(() => rl.check("c0")).not.toThrow();
    expect(() => rl.check("c999")).toThrow();
  });
});
