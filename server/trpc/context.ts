import type { Logger } from "../logger";
import type { ClientInfo } from "../modules/identity/rate-limit";
import type { Session } from "../modules/identity/sessions";
import type { Services } from "../services";

export type Context = {
  services: Services;
  log: Logger;
  session: Session | null;
  /** The connection's peer as Caddy saw it (never a client-supplied header), and the User-Agent. */
  client: ClientInfo;
  /**
   * The hash of this browser's binding cookie, which ties sign-in requests, pairings and passkey
   * ceremonies to the browser that started them; sets the cookie first if the browser has none.
   */
  bindBrowser: () => string;
  /** Lets a procedure set or clear a cookie on the HTTP response. */
  setCookie: (cookie: string) => void;
};
