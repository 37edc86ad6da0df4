/** In-memory fakes of the adapter interfaces, for unit tests only. */
import pino from "pino";
import type { Logger } from "../logger";
import type { GrantStore } from "../modules/gateway/app-grants";
import type { GrantMeta } from "../modules/gateway/gateway-files";

export const silentLogger = (): Logger => pino({ level: "silent" });

export { FakeEngine } from "./fake-engine";
export { MemoryAppsRepository } from "./memory-apps-repository";

/** The error a promise rejects with, asserted to be of the given class (fails the test if it resolves). */
export async function rejection<E>(p: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof type)) throw new Error(`expected a rejection with ${type.name}, got ${String(e)}`);
  return e;
}

/** Credentials as the gateway would write them for Caddy, kept in a map: "host/token" → meta. */
export class MemoryGrantStore implements GrantStore {
  readonly files = new Map<string, GrantMeta>();
  async writeGrant(host: string, token: string, meta: GrantMeta) {
    this.files.set(`${host}/${token}`, meta);
  }
  async removeGrant(host: string, token: string) {
    this.files.delete(`${host}/${token}`);
  }
  async readGrants() {
    return [...this.files].map(([k, meta]) => ({ host: k.split("/")[0]!, token: k.split("/")[1]!, meta }));
  }
}
