import net from "node:net";

/** The CLI socket speaks JSON lines: one request; zero or more {"event"} lines; one final answer. */
export type CliResponse = { ok: true; result: unknown } | { ok: false; code: string; message: string };
export type CliEvent = { event: string; data: unknown };

export function callCli(socketPath: string, req: unknown, onEvent: (e: CliEvent) => void = () => undefined): Promise<CliResponse> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    let buf = "";
    let answer: CliResponse | null = null;
    sock.setEncoding("utf8");
    sock.on("connect", () => sock.write(JSON.stringify(req) + "\n"));
    sock.on("data", (c: string) => {
      buf += c;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const o = JSON.parse(line) as CliEvent | CliResponse;
          if ("event" in o) onEvent(o);
          else answer = o;
        } catch {
          /* a partial or garbled line: the final answer decides */
        }
      }
    });
    sock.on("end", () => (answer ? resolve(answer) : reject(new Error("PCC gave an unreadable answer."))));
    sock.on("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "ENOENT" || e.code === "ECONNREFUSED" ? "PCC is not running. Start it with ./pcc start." : e.message)),
    );
  });
}
