import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface ConnectionsOptions {
  /** How long requests in flight may take to finish once the app closes (default 10 s). */
  graceMs?: number;
}

/**
 * Lets `app.close()` finish promptly. Node's `server.close()` reaps keep-alive sockets between
 * requests, and Fastify answers requests in flight with `Connection: close`; but a socket that a
 * browser opened ahead of time and has not yet sent a request on is in neither set, and holds
 * the close open until the browser drops it. At close, such sockets are closed (after flushing what was written); requests in flight
 * finish (so accepted responses stay committed), and whatever is still open after `graceMs` is cut.
 */
export const connectionsPlugin = fp(
  async (app: FastifyInstance, options: ConnectionsOptions) => {
    const graceMs = options.graceMs ?? 10_000;
    /** Requests in flight per open socket. */
    const inFlight = new Map<Socket, number>();
    let closing = false;

    app.server.on('connection', (socket: Socket) => {
      inFlight.set(socket, 0);
      socket.once('close', () => inFlight.delete(socket));
    });
    app.server.on('request', (request, response) => {
      const socket = request.socket;
      inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
      response.once('close', () => {
        const left = (inFlight.get(socket) ?? 1) - 1;
        if (!inFlight.has(socket)) return;
        inFlight.set(socket, left);
        if (closing && left === 0) socket.destroySoon();
      });
    });

    app.addHook('preClose', (done) => {
      closing = true;
      for (const [socket, requests] of inFlight) if (requests === 0) socket.destroySoon();
      if (inFlight.size > 0) {
        const backstop = setTimeout(() => app.server.closeAllConnections(), graceMs);
        backstop.unref();
        app.server.once('close', () => clearTimeout(backstop));
      }
      done();
    });
  },
  { name: 'closeloop-connections' },
);
