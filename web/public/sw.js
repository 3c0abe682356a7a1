// The playground's service worker: on install it caches every file of the build (precache.json,
// written by the build), then answers each request from that cache first, so the page and all its
// views work offline once loaded. A new build (a new precache.json) replaces the old cache.
const CACHE = 'lstm-playground';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const files = await (await fetch('./precache.json', { cache: 'no-store' })).json();
      const cache = await caches.open(CACHE);
      await cache.addAll(['./', ...files.map((f) => `./${f}`)]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  if (event.request.method !== 'GET' || !event.request.url.startsWith(self.location.origin)) return;
  event.respondWith(
    (async () => {
      const cached = await caches.match(event.request, { ignoreSearch: true });
      if (cached !== undefined) return cached;
      const response = await fetch(event.request);
      if (response.ok) (await caches.open(CACHE)).put(event.request, response.clone());
      return response;
    })(),
  );
});
