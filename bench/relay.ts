/**
 * A delaying TCP relay on loopback (the kernel here has no netem): every chunk is forwarded `oneWayMs` after it
 * arrived, in order, in both directions, so a round trip costs 2 x oneWayMs. Bandwidth is not limited; a slow
 * reader pauses the other side (backpressure), so memory stays bounded.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface Relay {
  port: number;
  close(): Promise<void>;
}

function pump(from: Socket, to: Socket, oneWayMs: number): void {
  let queued = 0;
  let waiting = false;
  from.on("data", (chunk: Buffer) => {
    queued += chunk.length;
    if (queued > 8 * 1024 * 1024) from.pause();
    // Timers with equal delays fire in creation order, and arrival times only grow: order is preserved.
    setTimeout(() => {
      queued -= chunk.length;
      if (to.destroyed) return;
      if (!to.write(chunk)) {
        from.pause();
        // One drain listener at a time (several delayed writes can find the socket full).
        if (!waiting) {
          waiting = true;
          to.once("drain", () => {
            waiting = false;
            from.resume();
          });
        }
      } else if (queued <= 8 * 1024 * 1024 && from.isPaused() && to.writableLength === 0) from.resume();
    }, oneWayMs);
  });
  from.on("end", () => setTimeout(() => to.end(), oneWayMs + 1));
  from.on("error", () => to.destroy());
}

export function startRelay(targetPort: number, oneWayMs: number, host = "127.0.0.1"): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = connect({ host, port: targetPort });
    upstream.setNoDelay(true);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    }
    pump(client, upstream, oneWayMs);
    pump(upstream, client, oneWayMs);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      const addr = server.address();
      resolve({
        port: typeof addr === "object" && addr ? addr.port : 0,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
