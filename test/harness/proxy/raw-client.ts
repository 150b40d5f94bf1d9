/** A tiny scripted TCP client for driving the proxy with exact (also malformed) bytes. */
import net from "node:net";

export interface RawClient {
  send(data: string | Buffer): void;
  /** Resolves with everything received so far once `re` matches it (rejects after 5 s or on close). */
  waitFor(re: RegExp): Promise<string>;
  /** Resolves when the server closed the connection, with everything received. */
  closed(): Promise<string>;
  received(): string;
  destroy(): void;
}

export function rawConnect(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port });
    let buf = "";
    let isClosed = false;
    const listeners = new Set<() => void>();
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      for (const l of [...listeners]) l();
    });
    s.on("error", () => {});
    s.on("close", () => {
      isClosed = true;
      for (const l of [...listeners]) l();
    });
    s.once("connect", () =>
      resolve({
        send: (d) => {
          s.write(d);
        },
        received: () => buf,
        destroy: () => s.destroy(),
        waitFor(re) {
          return new Promise((res, rej) => {
            const check = (): void => {
              if (re.test(buf)) {
                done();
                res(buf);
              } else if (isClosed) {
                done();
                rej(new Error(`closed before ${re}; got ${JSON.stringify(buf)}`));
              }
            };
            const timer = setTimeout(() => {
              done();
              rej(new Error(`timeout waiting for ${re}; got ${JSON.stringify(buf)}`));
            }, 5000);
            const done = (): void => {
              clearTimeout(timer);
              listeners.delete(check);
            };
            listeners.add(check);
            check();
          });
        },
        closed() {
          return new Promise((res) => {
            if (isClosed) return res(buf);
            s.once("close", () => res(buf));
          });
        },
      }),
    );
    s.once("error", reject);
  });
}
