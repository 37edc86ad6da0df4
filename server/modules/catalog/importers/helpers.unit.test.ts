import { describe, expect, it } from "vitest";
import { recogniseProbe } from "./convert";
import { interpolateText, parseInterpolation } from "./interpolation";
import { formatNotes, Notes } from "./notes";
import { classifyPort, parsePorts } from "./ports";
import { isExternalCredential, isSecretName, looksLikeSecretValue, SecretRegistry } from "./secrets";
import { parseBytes, parseDurationMs, semverise, splitColons, splitWords, toAppId, toName } from "./values";

describe("compose interpolation", () => {
  it("reads ${VAR}, defaults, $VAR and $$", () => {
    expect(parseInterpolation("a ${B} $C $$D ${E:-x${F}y} ${G?err} $ 1")).toEqual([
      { text: "a " },
      { var: "B", raw: "${B}" },
      { text: " " },
      { var: "C", raw: "$C" },
      { text: " $D " },
      { var: "E", op: ":-", arg: "x${F}y", raw: "${E:-x${F}y}" },
      { text: " " },
      { var: "G", op: "?", arg: "err", raw: "${G?err}" },
      { text: " $ 1" },
    ]);
    expect(parseInterpolation("${unclosed")).toEqual([{ text: "${unclosed" }]);
  });

  it("resolves to text with defaults, or gives up", () => {
    const env = (n: string) => ({ A: "1", EMPTY: "" })[n];
    expect(interpolateText("${A}-${B:-two}-${EMPTY:-d}-${EMPTY-d}-${A:+alt}", env)).toBe("1-two-d--alt");
    expect(interpolateText("${B}", env)).toBeUndefined();
  });
});

describe("secret heuristics", () => {
  it.each([
    ["POSTGRES_PASSWORD", true],
    ["DB_PASS", true],
    ["PAPERLESS_DBPASS", true],
    ["ADMIN_USER_PASSWORD", true],
    ["JWT_SECRET", true],
    ["SECRET_KEY_BASE", true],
    ["API_KEY", true],
    ["APP_SALT", true],
    ["ADMIN_TOKEN", true],
    ["PASSWORD_FILE", false],
    ["PASSWORD_MIN_LENGTH", false],
    ["VAPID_PUBLIC_KEY", false],
    ["AWS_ACCESS_KEY_ID", false],
    ["KEYBOARD_LAYOUT", false],
    ["DB_USER", false],
    ["ENABLE_PASSWORD_AUTH", false],
  ])("%s is a secret name: %s", (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });

  it("tells another service's credential from the app's own", () => {
    expect(isExternalCredential("SMTP_PASSWORD")).toBe(true);
    expect(isExternalCredential("OPENAI_API_KEY")).toBe(true);
    expect(isExternalCredential("DB_PASSWORD")).toBe(false);
  });

  it("only takes values that could be passwords", () => {
    for (const v of ["true", "no", "8080", "", "/run/secrets/x", "https://x.example", "${X}"]) expect(looksLikeSecretValue(v)).toBe(false);
    for (const v of ["tipi", "moneyprintergobrrr", "c0ffee".repeat(6)]) expect(looksLikeSecretValue(v)).toBe(true);
  });

  it("gives one secret per value and per variable, and joins them when told", () => {
    const reg = new SecretRegistry();
    const a = reg.forLiteral("s3cr3t-value", "DB_PASSWORD", "x");
    expect(reg.forLiteral("s3cr3t-value", "POSTGRES_PASSWORD", "y")).toBe(a);
    const b = reg.forVariable("DB_PASSWORD", { length: 32, alphabet: "alphanumeric" }, "z");
    expect(b).not.toBe(a);
    reg.alias("DB_PASSWORD", "other-value");
    expect(reg.literalKey("other-value")).toBe(b);
    expect(reg.all().map((e) => e.key)).toEqual(["db-password", "db-password-2"]);
  });
});

describe("values", () => {
  it.each([
    ["v1.85.0", "1.85.0"],
    ["1.4", "1.4.0"],
    ["33-apache", "33.0.0+apache"],
    ["4.0.17.2952", "4.0.17+2952"],
    ["2.0.0-rc.1", "2.0.0-rc.1"],
    ["1.2.0-beta2", "1.2.0-beta2"],
    ["latest", null],
  ])("semverise(%s) = %s", (raw, v) => {
    expect(semverise(raw)).toBe(v);
  });

  it("splits command lines like compose and colons outside ${…}", () => {
    expect(splitWords(`sh -c "echo 'a b'" x\\ y ''`)).toEqual(["sh", "-c", "echo 'a b'", "x y", ""]);
    expect(splitWords(`unbalanced "quote`)).toBeNull();
    expect(splitColons("${DIR:-/srv}:/data:ro")).toEqual(["${DIR:-/srv}", "/data", "ro"]);
  });

  it("reads durations and sizes", () => {
    expect(parseDurationMs("1m30s")).toBe(90_000);
    expect(parseDurationMs("500ms")).toBe(500);
    expect(parseDurationMs(5)).toBe(5000);
    expect(parseDurationMs("soon")).toBeNull();
    expect(parseBytes("512M")).toBe(512 * 1024 ** 2);
    expect(parseBytes("1.5gb")).toBe(1.5 * 1024 ** 3);
    expect(parseBytes("lots")).toBeNull();
  });

  it("makes PCC names", () => {
    expect(toName("machine_learning")).toBe("machine-learning");
    expect(toName("2fauth")).toBe("fauth");
    expect(toName("___")).toBe("x");
    expect(toAppId("Uptime Kuma v2")).toBe("uptime-kuma-v2");
    expect(toName("a".repeat(40))).toHaveLength(31);
  });
});

describe("ports", () => {
  it("reads the short and long syntax", () => {
    const { ports, problems } = parsePorts(
      ["8080", "18080:80", "127.0.0.1:5353:53/udp", "[::1]:9000:9000", "6881-6883:6881-6883/udp", "${WEB:-3000}:3000", { target: 443, published: "8443", app_protocol: "https" }, "1-100:1-100", 7],
      (s) => interpolateText(s, () => undefined),
    );
    expect(ports.map((p) => `${p.hostIp ?? ""}|${p.host ?? ""}:${p.container}/${p.protocol}`)).toEqual([
      "|:8080/tcp",
      "|18080:80/tcp",
      "127.0.0.1|5353:53/udp",
      "::1|9000:9000/tcp",
      "|6881:6881/udp",
      "|6882:6882/udp",
      "|6883:6883/udp",
      "|3000:3000/tcp",
      "|8443:443/tcp",
      "|:7/tcp",
    ]);
    expect(problems).toEqual(['"1-100:1-100": cannot read the container port (ranges of more than 20 ports are not expanded)']);
  });

  it("tells HTTP from the rest", () => {
    const p = (container: number, protocol: "tcp" | "udp" = "tcp") => ({ container, protocol, raw: "" });
    expect(classifyPort(p(8080), "ghcr.io/x/web:1")).toBe("http");
    expect(classifyPort(p(5432), "docker.io/library/postgres:16")).toBe("database");
    expect(classifyPort(p(6379), "ghcr.io/immich-app/postgres:14")).toBe("database");
    expect(classifyPort(p(53), "x")).toBe("not-http");
    expect(classifyPort(p(8080, "udp"), "x")).toBe("not-http");
    expect(classifyPort(p(8443), "x")).toBe("https");
    expect(classifyPort(p(25565), "x")).toBe("not-http");
  });
});

describe("health check probes", () => {
  it.each([
    ["curl -fsS http://localhost:8080/healthz || exit 1", { http: { port: 8080, path: "/healthz" } }],
    ["wget -q --spider http://127.0.0.1/", { http: { port: 80, path: "/" } }],
    ["wget --no-verbose --tries=1 -O /dev/null http://localhost:3000/api/health", { http: { port: 3000, path: "/api/health" } }],
    ["nc -z localhost 5432", { tcp: { port: 5432 } }],
    ["curl -f -H 'X-Token: a' http://localhost:8080/", undefined],
    ["curl -f https://localhost:8443/", undefined],
    ["curl -f http://example.com/", undefined],
    ["pg_isready -U app", undefined],
    ["curl -f http://localhost:8080/ && touch /tmp/ok", undefined],
  ])("%s", (cmd, probe) => {
    expect(recogniseProbe(cmd)).toEqual(probe);
  });
});

describe("notes", () => {
  it("folds ignored fields, puts what breaks the app and blocking notes first, and prints them", () => {
    const n = new Notes();
    n.add("info", "a", "did a thing");
    n.ignore("docker-compose.yml", "web", "restart", "PCC restarts services itself");
    n.ignore("docker-compose.yml", "db", "restart", "PCC restarts services itself");
    n.add("blocking", "b", "pin it");
    n.add("refused", "c", "socket", { breaksApp: true });
    n.add("info", "a", "did a thing");
    const all = n.all();
    expect(all.map((x) => x.source)).toEqual(["c", "b", "docker-compose.yml: services.{web,db}.restart", "a"]);
    const text = formatNotes(all);
    expect(text).toMatch(/^Notes \(1 blocking, 1 refused, 1 dropped, 1 info\):/);
    expect(text).toMatch(/!! REFUSED c: socket/);
    expect(formatNotes([])).toBe("Everything was carried over.\n");
  });
});
