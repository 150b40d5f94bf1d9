/** A tiny scripted POP3 server on 127.0.0.1 for transcript tests: replays fixed lines per received command. */

import net from "node:net";
import tls from "node:tls";
import { EXCHANGE_SERVICE, renderLine, replyFor } from "../../../src/exchange/contract.js";

export type Handler = (line: string, conn: ScriptedConn) => void;

export interface ScriptedConn {
  send(data: string): void;
  /** Sends raw bytes in one write. */
  sendBytes(data: Buffer): void;
  /** Bytes written but not yet accepted by the kernel (the peer is not reading: backpressure). */
  readonly writableLength: number;
  startTls(cert: { certPem: string; keyPem: string }): void;
  end(): void;
  /** Every line received, in order. */
  received: string[];
}

export interface ScriptedServer {
  port: number;
  received: string[];
  close(): Promise<void>;
}

/** Starts a server that sends `greeting`, then calls `handler` for each CRLF line received. */
export async function startScriptedServer(greeting: string, handler: Handler): Promise<ScriptedServer> {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((raw) => {
    let sock: net.Socket = raw;
    sockets.add(raw);
    raw.on("error", () => {});
    let buf = "";
    const conn: ScriptedConn = {
      received,
      send: (d) => {
        if (!sock.destroyed) sock.write(Buffer.from(d, "latin1"));
      },
      sendBytes: (d) => {
        if (!sock.destroyed) sock.write(d);
      },
      get writableLength() {
        return sock.writableLength;
      },
      end: () => sock.end(),
      startTls(cert) {
        sock.removeAllListeners("data");
        const t = new tls.TLSSocket(raw, { isServer: true, cert: cert.certPem, key: cert.keyPem });
        t.on("error", () => {});
        sock = t;
        t.on("data", onData);
      },
    };
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString("latin1");
      for (let i = buf.indexOf("\r\n"); i >= 0; i = buf.indexOf("\r\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        received.push(line);
        handler(line, conn);
      }
    };
    raw.on("data", onData);
    raw.write(`${greeting}\r\n`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    received,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Exchange Online's POP3 lines (docs/exchange-behaviour.md section 4, POP3). */
export const EXO = {
  greeting: renderLine(EXCHANGE_SERVICE.pop3.greeting, {
    serverId: "TQBXADQAUABSADAANABDAEEAMAAwADAAMQAuAG4AYQBtAA==",
  }),
  capa: `+OK\r\n${EXCHANGE_SERVICE.pop3.capa.join("\r\n")}\r\n.\r\n`,
  authOk: EXCHANGE_SERVICE.pop3.authOk,
  authFail: replyFor("auth-failed", "pop3")[0] as string,
};
