/*
 * PCC's service worker. It does three things, and deliberately nothing more:
 *   1. When a page of the shell cannot be loaded at all (no network, PCC down), it answers with
 *      /offline.html, a self-contained "your PCC is unreachable" page, instead of the browser's
 *      own error: the installed app always opens to something that says what is wrong.
 *   2. It keeps the shell's build files (/_next/static/..., content-hashed, so never stale) and its
 *      icons in a cache, so the shell starts fast.
 *   3. It shows PCC's web push notifications (installs, updates, an app down, a new device) and opens
 *      the shell where a notification points when it is clicked.
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

// ---- Notifications (server/modules/notifications): payload {title, body, url, tag}, small and plain ----

/** Only paths of the shell itself: a push can never send the owner to another site. */
function shellUrl(url) {
  try {
    const u = new URL(typeof url === "string" ? url : "/", self.location.origin);
    return u.origin === self.location.origin ? u.href : self.location.origin + "/";
  } catch {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", (event) => {
  let msg = {};
  try {
    msg = event.data ? event.data.json() : {};
  } catch {
    // Not JSON (a push service's own test message): show it as the body.
    msg = { body: event.data ? event.data.text() : "" };
  }
  const title = typeof msg.title === "string" && msg.title ? msg.title : "PCC";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof msg.body === "string" ? msg.body : "",
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      // Same tag, same notification: a second "Hello is down" replaces the first instead of stacking.
      tag: typeof msg.tag === "string" && msg.tag ? msg.tag : undefined,
      data: { url: shellUrl(msg.url) },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = shellUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(async (windows) => {
      // An open shell is reused (navigated to the target), so the owner does not collect tabs.
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) {
        await open.focus();
        if (open.url !== target && "navigate" in open) await open.navigate(target).catch(() => undefined);
        return;
      }
      await self.clients.openWindow(target);
    }),
  );
});
