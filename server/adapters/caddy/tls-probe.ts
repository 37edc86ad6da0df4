import tls from "node:tls";

/** Whether Caddy, at address:port, completes a TLS handshake for `servername` (it has a certificate for it). */
export function servesCertificate(address: string, port: number, servername: string, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    // Only whether a certificate is served: this is Caddy's own CA, checked elsewhere.
    const socket = tls.connect({ host: address, port, servername, rejectUnauthorized: false, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("secureConnect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/**
 * Waits until Caddy serves a certificate for each name, or the deadline passes (false). Caddy obtains
 * its certificates in the background after a configuration load, so without this wait "ready" could be
 * printed, and the first request made, before it can complete a handshake ("tlsv1 alert internal error").
 */
export async function waitForCertificates(address: string, port: number, names: string[], deadlineMs = 30_000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  for (const name of names) {
    while (!(await servesCertificate(address, port, name))) {
      if (Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return true;
}
