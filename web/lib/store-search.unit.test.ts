import { describe, expect, it } from "vitest";
import { categoriesOf, formatPrice, searchApps } from "./store-search";

const app = (id: string, name: string, category: string, extra: Partial<{ tagline: string; description: string; developer: string }> = {}) => ({
  id,
  name,
  category,
  tagline: extra.tagline ?? "",
  description: extra.description ?? "",
  developer: extra.developer ?? "",
  catalogSource: { name: "PCC's built-in catalog" },
});

const apps = [
  app("jellyfin", "Jellyfin", "media", { tagline: "Your films and series" }),
  app("immich", "Immich", "photos", { description: "Back up photos from your phone" }),
  app("photoprism", "PhotoPrism", "photos"),
  app("blocky", "Blocky", "networking", { developer: "0xERR0R" }),
];

describe("store search", () => {
  it("matches every word anywhere, ignoring case and accents, name matches first", () => {
    expect(searchApps(apps, "PHOTO", null).map((a) => a.id)).toEqual(["photoprism", "immich"]);
    expect(searchApps(apps, "back phone", null).map((a) => a.id)).toEqual(["immich"]);
    expect(searchApps(apps, "fílms", null).map((a) => a.id)).toEqual(["jellyfin"]);
    expect(searchApps(apps, "0xerr0r", null).map((a) => a.id)).toEqual(["blocky"]);
    expect(searchApps(apps, "smart home", null)).toEqual([]);
  });

  it("filters by category and lists the categories that have apps", () => {
    expect(searchApps(apps, "", "photos").map((a) => a.id)).toEqual(["immich", "photoprism"]);
    expect(searchApps(apps, "networking", null).map((a) => a.id)).toEqual(["blocky"]);
    expect(categoriesOf(apps)).toEqual([
      { id: "media", label: "Media", count: 1 },
      { id: "networking", label: "Networking", count: 1 },
      { id: "photos", label: "Photos", count: 2 },
    ]);
  });

  it("formats a price in its currency", () => {
    expect(formatPrice({ amount: 4, currency: "EUR" })).toMatch(/4/);
    expect(formatPrice({ amount: 4, currency: "EUR" })).toMatch(/€|EUR/);
  });
});
