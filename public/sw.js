/*
 * PCC's service worker. It does two things, and deliberately nothing more:
 *   1. When a page of the shell cannot be loaded at all (no network, PCC down), it answers with
 *      /offline.html, a self-contained "your PCC is unreachable" page, instead of the browser's
 *      own error: the installed app always opens to something that says what is wrong.
 *   2. It keeps the shell's build files (/_next/static/..., content-hashed, so never stale) and its
 *      icons in a cache, so the shell starts fast.
 * It never caches or answers for the API (/api/), PCC's own endpoints (/_pcc/: app sign-in, icons,
 * health, the root certificate) or any other origin (every app lives on its own host): those always
 * go to the network, untouched. Page HTML is never cached either: it changes with each build.
 */
const VERSION = "pcc-shell-v1";
/** Build files of old versions are never asked for again: keep the newest few hundred, drop the rest. */
const MAX_ENTRIES = 300;
const OFFLINE_URL = "/offline.html";
const PRECACHE = [OFFLINE_URL, "/icons/icon.svg", "/icons/icon-192.png", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/_pcc/")) return;

  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(async () => (await caches.match(OFFLINE_URL)) ?? new Response("Your PCC is unreachable.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } })),
    );
    return;
  }

  if (url.pathname.startsWith("/_next/static/") || url.pathname.startsWith("/icons/")) {
    event.respondWith(
      caches.open(VERSION).then(async (cache) => {
        const hit = await cache.match(request);
        if (hit) return hit;
        const response = await fetch(request);
        if (response.ok) {
          await cache.put(request, response.clone());
          const keys = await cache.keys();
          // Keys come oldest first; the precached offline page and icons always stay.
          for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) if (!PRECACHE.includes(new URL(old.url).pathname)) await cache.delete(old);
        }
        return response;
      }),
    );
  }
});
