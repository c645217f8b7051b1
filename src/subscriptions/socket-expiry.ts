/**
 * A WebSocket authorized by a JWT lives no longer than the token: when it expires the
 * socket is closed with 4403 Forbidden, the code graphql-ws uses when connection_init is
 * refused, so a client handles both alike (reconnect with a fresh token).
 */
import { CloseCode } from "graphql-ws";
import type WebSocket from "ws";

export const EXPIRED_TOKEN_CLOSE = { code: CloseCode.Forbidden, reason: "Forbidden: the token has expired; reconnect with a fresh one" } as const;

/** setTimeout's longest delay (about 24.8 days); a longer wait is taken in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Closes `socket` at `expiresAt` (ms since the epoch); nothing once the socket is closed. */
export function closeAtExpiry(socket: WebSocket, expiresAt: number): void {
  if (socket.readyState !== socket.OPEN) return;
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const left = expiresAt - Date.now();
    if (left > 0) {
      timer = setTimeout(check, Math.min(left, MAX_DELAY_MS));
      timer.unref();
      return;
    }
    closeExpired(socket);
  };
  socket.once("close", () => clearTimeout(timer));
  check();
}

export function closeExpired(socket: WebSocket): void {
  if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(EXPIRED_TOKEN_CLOSE.code, EXPIRED_TOKEN_CLOSE.reason);
}
