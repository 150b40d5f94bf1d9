/** STLS (RFC 2595 §4): after `+OK` the TLS handshake starts; capabilities must be fetched again. */
import type net from "node:net";
import type { Pop3Session } from "../session.js";
import { expectOk } from "./reply.js";

export async function stls(s: Pop3Session, handshake: (socket: net.Socket) => Promise<net.Socket>): Promise<void> {
  expectOk(await s.command({ verb: "STLS", shape: "single" }), "STLS");
  await s.upgrade(handshake);
}
