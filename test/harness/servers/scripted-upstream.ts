/**
 * A scripted TLS mail server for the proxy's upstream leg: sends a greeting, then answers each line the proxy sends
 * with what `script` returns (undefined: no answer, e.g. a server that stalls the XOAUTH2 reply). Records every
 * connection, its lines and when it closed.
 */
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import type { TestPki } from "../../../src/sandbox/pki.js";

export interface ScriptedConn {
  /** 1-based number of this connection. */
  n: number;
  socket: tls.TLSSocket;
  lines: string[];
  /** Resolves when the server side of this connection closed. */
  closed: Promise<void>;
  /** Resolves with the first line (seen or future) matching `re`. */
  seen(re: RegExp): Promise<string>;
}

export interface ScriptedUpstream {
  port: number;
  conns: ScriptedConn[];
  /** Resolves with connection number n (1-based) once it exists. */
  conn(n: number): Promise<ScriptedConn>;
  close(): Promise<void>;
}

export type Script = (line: string, conn: ScriptedConn) => string | undefined;

export async function scriptedUpstream(pki: TestPki, greeting: string, script: Script): Promise<ScriptedUpstream> {
  const pem = pki.issueServerCert();
  const conns: ScriptedConn[] = [];
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  const until = <T>(get: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const check = (): void => {
        const v = get();
        if (v === undefined) return;
        waiters.delete(check);
        resolve(v);
      };
      waiters.add(check);
      check();
    });
  const server = tls.createServer({ cert: pem.certPem, key: pem.keyPem }, (socket) => {
    socket.on("error", () => {});
    const conn: ScriptedConn = {
      n: conns.length + 1,
      socket,
      lines: [],
      closed: new Promise((r) => socket.once("close", () => r())),
      seen: (re) => until(() => conn.lines.find((l) => re.test(l))),
    };
    conns.push(conn);
    socket.write(greeting);
    let buf = "";
    socket.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      for (let i = buf.indexOf("\r\n"); i >= 0; i = buf.indexOf("\r\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        conn.lines.push(line);
        const reply = script(line, conn);
        if (reply !== undefined && !socket.destroyed) socket.write(reply);
      }
      wake();
    });
    wake();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    conns,
    conn: (n) => until(() => conns[n - 1]),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of conns) c.socket.destroy();
        server.close(() => resolve());
      }),
  };
}
