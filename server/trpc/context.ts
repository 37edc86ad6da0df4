import type { Logger } from "../logger";
import type { Services } from "../services";
import type { Session } from "../modules/auth/auth.types";

export type Context = {
  services: Services;
  log: Logger;
  session: Session | null;
  /** Lets a procedure set or clear the session cookie on the HTTP response. */
  setCookie: (cookie: string) => void;
};
