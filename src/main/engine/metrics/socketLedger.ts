// Bytes actually written and read at the socket level (not estimates), over sockets that come
// and go: a running total for closed sockets plus the live counters of open ones.
import type { Socket } from 'node:net';

export class SocketLedger {
  private readonly live = new Set<Socket>();
  private closedSent = 0;
  private closedReceived = 0;

  add(socket: Socket): void {
    if (this.live.has(socket)) return;
    this.live.add(socket);
    socket.once('close', () => {
      if (!this.live.delete(socket)) return;
      this.closedSent += socket.bytesWritten;
      this.closedReceived += socket.bytesRead;
    });
  }

  totals(): { sent: number; received: number } {
    let sent = this.closedSent;
    let received = this.closedReceived;
    for (const s of this.live) {
      sent += s.bytesWritten;
      received += s.bytesRead;
    }
    return { sent, received };
  }
}
