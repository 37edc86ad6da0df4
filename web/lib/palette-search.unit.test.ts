import { describe, expect, it } from "vitest";
import { matchScore, rankEntries } from "./palette-search";

const entries = [
  { label: "Hello", keywords: ["app", "open"] },
  { label: "Uptime Kuma", keywords: ["monitoring", "app store"] },
  { label: "Appearance", keywords: ["theme", "dark", "wallpaper"] },
  { label: "Hello settings", keywords: ["stop", "uninstall"] },
];

describe("palette search", () => {
  it("lists everything for an empty query, in order", () => {
    expect(rankEntries("", entries)).toEqual(entries);
  });

  it("ranks label prefixes over word starts over substrings and keywords", () => {
    expect(rankEntries("kuma", entries).map((e) => e.label)).toEqual(["Uptime Kuma"]);
    expect(rankEntries("hello", entries).map((e) => e.label)).toEqual(["Hello", "Hello settings"]);
    expect(rankEntries("dark", entries).map((e) => e.label)).toEqual(["Appearance"]);
    expect(matchScore("app", entries[2]!)).toBeGreaterThan(matchScore("app", entries[0]!));
  });

  it("needs every word to match, ignoring case and accents", () => {
    expect(rankEntries("hello uninst", entries).map((e) => e.label)).toEqual(["Hello settings"]);
    expect(rankEntries("HÉLLO", entries)).toHaveLength(2);
    expect(rankEntries("hello zebra", entries)).toEqual([]);
  });
});
