import { describe, expect, it } from "vitest";
import type { Setting } from "@/server/modules/spec/spec-settings";
import {
  answerFromGrants,
  fieldErrorsFromMessage,
  grantsFromAnswer,
  installDraft,
  needsPrompt,
  portProblems,
  proposedAnswer,
  sameAnswer,
  settingsToSend,
} from "./install-answer";

const app = {
  permissions: { internet: { hosts: ["api.example.com"] }, lan: false, devices: ["gpu"] },
  ports: [
    { name: "dns", protocol: "udp" as const, containerPort: 53, hostPort: 5353, description: "DNS" },
    { name: "admin", protocol: "tcp" as const, containerPort: 80, hostPort: 8081, description: "Admin page" },
  ],
};

describe("the permission prompt's answer", () => {
  it("proposes everything asked, and sends only what the app asks for", () => {
    const a = proposedAnswer(app);
    expect(a).toEqual({ internet: true, lan: false, devices: ["gpu"], ports: { dns: { open: true, hostPort: "5353" }, admin: { open: true, hostPort: "8081" } } });
    expect(grantsFromAnswer(app, a)).toEqual({ internet: true, devices: ["gpu"], ports: { dns: 5353, admin: 8081 } });
  });

  it("sends a declined port as null and a moved one with its new number", () => {
    const a = proposedAnswer(app);
    a.ports.dns!.open = false;
    a.ports.admin!.hostPort = " 9090 ";
    a.internet = false;
    a.devices = [];
    expect(grantsFromAnswer(app, a)).toEqual({ internet: false, devices: [], ports: { dns: null, admin: 9090 } });
  });

  it("checks the port numbers typed", () => {
    const a = proposedAnswer(app);
    a.ports.admin!.hostPort = "70000";
    expect(portProblems(app, a)).toEqual({ admin: "Enter a port number from 1 to 65535." });
    a.ports.admin!.hostPort = "8x";
    expect(portProblems(app, a)).toEqual({ admin: "Enter a port number from 1 to 65535." });
    const same = { ...app, ports: [app.ports[1]!, { ...app.ports[1]!, name: "other", containerPort: 81 }] };
    expect(portProblems(same, proposedAnswer(same))).toEqual({ other: "8081/tcp is already used by admin." });
    const closed = proposedAnswer(same);
    closed.ports.other!.open = false;
    expect(portProblems(same, closed)).toEqual({});
  });

  it("reads the granted state back, and tells a changed answer from the same one", () => {
    const granted = answerFromGrants(app, { internet: { hosts: ["api.example.com"] }, lan: false, devices: [], ports: { admin: 9000 } });
    expect(granted).toEqual({ internet: true, lan: false, devices: [], ports: { dns: { open: false, hostPort: "5353" }, admin: { open: true, hostPort: "9000" } } });
    const edited = structuredClone(granted);
    expect(sameAnswer(granted, edited)).toBe(true);
    edited.ports.dns!.hostPort = "1"; // closed: its number does not matter
    expect(sameAnswer(granted, edited)).toBe(true);
    edited.ports.admin!.hostPort = "9001";
    expect(sameAnswer(granted, edited)).toBe(false);
  });

  it("prompts only when there is something to approve, fill in, pay for or be warned about", () => {
    const none = { permissions: { internet: false as const, lan: false, devices: [] }, ports: [], settings: [], price: null };
    expect(needsPrompt(none)).toBe(false);
    expect(needsPrompt({ ...none, permissions: { ...none.permissions, lan: true } })).toBe(true);
    expect(needsPrompt({ ...none, price: { amount: 4, currency: "EUR", purchaseUrl: "https://x.example" } })).toBe(true);
    expect(needsPrompt({ ...none, catalogSource: { trustUnsigned: true } })).toBe(true);
  });
});

const settings: Setting[] = [
  { key: "name", type: "text", label: "Site name", required: true },
  { key: "size", type: "number", label: "Size", required: false, min: 1, max: 10, default: 5 },
  { key: "mode", type: "select", label: "Mode", required: false, options: [{ value: "a", label: "A" }], default: "a" },
  { key: "on", type: "boolean", label: "Enabled", required: false },
  { key: "pw", type: "password", label: "Site name password", required: false },
];

describe("the settings form", () => {
  it("starts from the defaults at install and checks what it can", () => {
    const draft = installDraft(settings);
    expect(draft).toEqual({ name: "", size: "5", mode: "a", on: false, pw: "" });
    expect(settingsToSend(settings, draft, "install")).toEqual({ values: { size: 5, mode: "a", on: false }, problems: { name: "Site name is required" } });
    expect(settingsToSend(settings, { ...draft, name: "Blog", size: "11" }, "install").problems).toEqual({ size: "Size must be at most 10" });
    expect(settingsToSend(settings, { ...draft, name: "Blog", size: "x" }, "install").problems).toEqual({ size: "Size must be a number" });
  });

  it("after install sends only the fields the owner changed", () => {
    expect(settingsToSend(settings, { name: undefined, on: true, pw: "" }, "edit")).toEqual({ values: { on: true }, problems: {} });
  });

  it("puts the server's messages back next to their fields, the longest label first", () => {
    const r = fieldErrorsFromMessage(settings, "Site name password does not have the expected form; Size must be at least 1; Something else");
    expect(r).toEqual({ fields: { pw: "Site name password does not have the expected form", size: "Size must be at least 1" }, rest: ["Something else"] });
  });
});
