import { describe, expect, it } from "vitest";
import { scanReferences, substituteReferences, type Reference } from "./references";

describe("env references", () => {
  it("finds each kind of reference", () => {
    expect(scanReferences("${secrets.db-password} ${settings.k} ${app.domain} ${app.url} ${ingress.main.url} ${services.db.host}")).toEqual({
      refs: [
        { kind: "secret", name: "db-password" },
        { kind: "setting", name: "k" },
        { kind: "app", name: "domain" },
        { kind: "app", name: "url" },
        { kind: "ingress", name: "main" },
        { kind: "service", name: "db" },
      ],
      errors: [],
    });
  });

  it.each(["${secret.x}", "${app.host}", "${ingress.main}", "${SECRETS.X}", "${}", "${ secrets.x }"])("refuses %s", (v) => {
    expect(scanReferences(v).errors[0]).toMatch(/unknown reference/);
  });

  it("refuses an unclosed reference and reads $${ as a literal", () => {
    expect(scanReferences("a ${secrets.x").errors[0]).toMatch(/never closed/);
    expect(scanReferences("$${secrets.x} and $HOME and $").errors).toEqual([]);
  });

  it("substitutes references and unescapes $${", () => {
    const resolve = (r: Reference) => `<${r.kind}:${r.name}>`;
    expect(substituteReferences("postgres://app:${secrets.pw}@${services.db.host}/x?p=$${literal}", resolve)).toBe(
      "postgres://app:<secret:pw>@<service:db>/x?p=${literal}",
    );
    expect(() => substituteReferences("${nope}", resolve)).toThrow(/unknown reference/);
  });
});
