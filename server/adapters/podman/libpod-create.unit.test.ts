import { describe, expect, it } from "vitest";
import type { ContainerSpec } from "./container-engine";
import { macFor, toCreateBody } from "./libpod-create";

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({
  name: "pcc_x_web",
  image: "img",
  labels: {},
  network: "pcc_x",
  aliases: ["web"],
  env: {},
  volumes: [],
  tmpfs: [],
  memoryMb: 64,
  pids: 32,
  ...over,
});

describe("the create body's network", () => {
  it("pins a fixed address to a MAC of its own, so a restarted service is found by its neighbours at once", () => {
    expect(toCreateBody(spec({ ip: "10.200.7.3" })).Networks).toEqual({ pcc_x: { aliases: ["web"], static_ips: ["10.200.7.3"], static_mac: "02:50:0a:c8:07:03" } });
    expect(toCreateBody(spec()).Networks).toEqual({ pcc_x: { aliases: ["web"] } });
  });

  it("derives locally administered unicast MACs, one per address", () => {
    expect(macFor("10.128.0.2")).toBe("02:50:0a:80:00:02");
    expect(macFor("10.254.255.254")).toBe("02:50:0a:fe:ff:fe");
    expect(macFor("10.128.0.2")).not.toBe(macFor("10.128.0.3"));
  });
});
