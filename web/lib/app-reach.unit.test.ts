import { describe, expect, it } from "vitest";
import { backgroundSentence } from "./app-reach";

describe("backgroundSentence", () => {
  it("names the ports an app without a web page answers on", () => {
    expect(backgroundSentence([])).toBe("It runs in the background.");
    expect(backgroundSentence([{ name: "game", protocol: "tcp", hostPort: 25565 }])).toBe("It runs in the background, on port 25565/tcp of your PCC.");
    expect(
      backgroundSentence([
        { name: "dns", protocol: "udp", hostPort: 53 },
        { name: "dns-tcp", protocol: "tcp", hostPort: 53 },
        { name: "admin", protocol: "tcp", hostPort: 4000 },
      ]),
    ).toBe("It runs in the background, on ports 53/udp, 53/tcp and 4000/tcp of your PCC.");
  });
});
