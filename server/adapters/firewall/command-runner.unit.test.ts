import { describe, expect, it } from "vitest";
import { execRunner } from "./command-runner";

describe("execRunner", () => {
  it("feeds stdin and resolves with output", async () => {
    expect(await execRunner("cat", [], { input: "*filter\nCOMMIT\n", timeoutMs: 5000 })).toEqual({ code: 0, stdout: "*filter\nCOMMIT\n", stderr: "" });
  });

  it("resolves a non-zero exit with its stderr, and never runs a shell", async () => {
    const r = await execRunner("sh", ["-c", "echo nope >&2; exit 3"], { timeoutMs: 5000 });
    expect(r).toEqual({ code: 3, stdout: "", stderr: "nope\n" });
    const literal = await execRunner("echo", ["a; touch /tmp/never", "$(id)"], { timeoutMs: 5000 });
    expect(literal.stdout).toBe("a; touch /tmp/never $(id)\n");
  });

  it("rejects a missing program with ENOENT and a hung one with killed", async () => {
    await expect(execRunner("pcc-no-such-program", [], { timeoutMs: 5000 })).rejects.toMatchObject({ code: "ENOENT" });
    await expect(execRunner("sleep", ["10"], { timeoutMs: 200 })).rejects.toMatchObject({ killed: true });
  });
});
