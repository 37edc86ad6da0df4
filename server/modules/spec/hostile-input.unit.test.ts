import { describe, expect, it } from "vitest";
import { parseAppSpec } from "./spec.schema";
import { minimalSpec } from "./spec-fixtures";
import { MAX_YAML_BYTES, parseAppYaml } from "./yaml-source";

describe("hostile inputs", () => {
  it.each([
    [null, "empty"],
    [undefined, "empty"],
    ["just a string", "a single string"],
    [42, "a single number"],
    [[1, 2], "a list"],
  ])("refuses a document that is not a mapping: %j", (doc, got) => {
    expect(parseAppSpec(doc).errors).toEqual([{ path: "", message: `app.yaml must be a mapping of fields (key: value), but it is ${got}` }]);
  });

  it("bounds huge strings and never echoes them", () => {
    const huge = "x".repeat(5_000_000);
    const s: Record<string, any> = { ...minimalSpec(), name: huge, description: huge, releaseNotes: huge };
    s.services.web.env = { A: huge };
    const started = Date.now();
    const { errors } = parseAppSpec(s);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(errors.map((e) => e.path).sort()).toEqual(["description", "name", "releaseNotes", "services.web.env.A"]);
    expect(errors.every((e) => e.message.length < 200)).toBe(true);
  });

  it("truncates a huge unknown key in its path", () => {
    const { errors } = parseAppSpec({ ...minimalSpec(), ["k".repeat(100_000)]: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0].path.length).toBeLessThan(100);
  });

  it("refuses __proto__ wherever it appears, and pollutes nothing", () => {
    const s = JSON.parse(
      JSON.stringify(minimalSpec()).replace('"services":{', '"__proto__":{"polluted":1},"services":{"__proto__":{"image":"x"},').replace('"tagline"', '"constructor":1,"tagline"'),
    );
    s.services.web.env = JSON.parse('{"__proto__":"x","A":"b"}');
    const { errors } = parseAppSpec(s);
    expect(errors.map((e) => e.path).sort()).toEqual(["__proto__", "constructor", "services.__proto__", "services.web.env.__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses too many entries in a map", () => {
    const s = minimalSpec();
    s.services.web.env = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`V${i}`, "x"]));
    expect(parseAppSpec(s).errors).toEqual([{ path: "services.web.env", message: "may hold at most 200 variables" }]);
  });

  it("survives deep nesting in an unknown field", () => {
    let deep: unknown = "docker.sock";
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    const { errors } = parseAppSpec({ ...minimalSpec(), extra: deep });
    expect(errors.map((e) => e.path)).toEqual(["extra"]);
  });

  it("refuses a YAML alias bomb quickly", () => {
    const rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, cur] of [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"], ["e", "f"], ["f", "g"], ["g", "h"], ["h", "i"]]) {
      rows.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const started = Date.now();
    const r = parseAppYaml(rows.join("\n"));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.value).toBeUndefined();
    expect(r.errors[0].message).toMatch(/^YAML: app.yaml cannot be read: .*alias/i);
  });

  it("refuses an oversized file, duplicate keys, several documents and bad syntax", () => {
    expect(parseAppYaml(`a: "${"x".repeat(MAX_YAML_BYTES)}"`).errors[0].message).toMatch(/limit is/);
    expect(parseAppYaml("id: a\nid: b\n").errors[0].message).toMatch(/^YAML: Map keys must be unique at line 2/);
    expect(parseAppYaml("a: 1\n---\nb: 2\n").errors).toHaveLength(1);
    expect(parseAppYaml("a: [1, 2\n").errors.length).toBeGreaterThan(0);
  });

  it("reads an empty file (or comments only) as empty, not as a crash", () => {
    for (const text of ["", "# nothing yet\n", "\n\n"]) {
      const r = parseAppYaml(text);
      expect(r.errors).toEqual([]);
      expect(parseAppSpec(r.value).errors).toEqual([{ path: "", message: "app.yaml must be a mapping of fields (key: value), but it is empty" }]);
    }
  });

  it("reads YAML 1.2: no custom tags, yes/no stay text, versions stay text", () => {
    const r = parseAppYaml("a: !!js/function 'f'\nb: yes\nversion: 1.4.2\n");
    expect(r.errors).toEqual([]);
    expect(r.warnings[0].message).toMatch(/Unresolved tag/);
    expect(r.value).toEqual({ a: "f", b: "yes", version: "1.4.2" });
  });

  it("refuses deep nesting before parsing it, so a stack overflow never reaches the parser", () => {
    for (const text of [`${"[".repeat(65)}${"]".repeat(65)}`, `${"- ".repeat(65)}x\n`, `a: ${"{b: ".repeat(40)}${"[".repeat(30)}1${"]".repeat(30)}${"}".repeat(40)}\n`]) {
      expect(parseAppYaml(text).errors).toEqual([{ path: "", message: "YAML: app.yaml cannot be read: it is nested more than 64 levels deep" }]);
    }
    // Brackets that are text (quoted, in a comment, in a block scalar) are not nesting.
    const text = `description: |\n  ${"[".repeat(100)}\n  "\ntagline: "${"{".repeat(100)}" # ${"[".repeat(100)}\nlist: [${"[".repeat(60)}${"]".repeat(60)}]\n`;
    expect(parseAppYaml(text).errors).toEqual([]);
  });

  it("survives pathological nesting in YAML", () => {
    const r = parseAppYaml(`${"[".repeat(50_000)}${"]".repeat(50_000)}`);
    expect(r.value === undefined ? r.errors.length : parseAppSpec(r.value).errors.length).toBeGreaterThan(0);
  });
});
