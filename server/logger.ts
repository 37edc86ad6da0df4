import pino from "pino";

// One structured logger. Anything that could carry a credential is redacted by key, so a careless
// `log.info({ req })` never writes a cookie or token to disk.
export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ["*.cookie", "*.Cookie", "*.token", "*.code", "*.setupCode", "*.headers.cookie", "*.headers.authorization", "*.password", "*.secret"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
export type Logger = pino.Logger;
