// TCP and UDP echo straight on the ECMA-419 classes, without mcnet: the baseline the XS meters of
// the mcnet echo (echo.ts) are compared against in bench/xs-meters. Same behaviour: echo everything,
// close when the peer leaves.

import TCP from "embedded:io/socket/tcp";
import UDP from "embedded:io/socket/udp";
import Listener from "embedded:io/socket/listener";

export default function main(args: { address?: string } | null): { port: number } {
  const address = args?.address ?? "127.0.0.1";
  const listener = new Listener({
    address,
    port: 0,
    onReadable(count) {
      for (let i = 0; i < count; i++) {
        const from = this.read();
        if (!from) break;
        let unread = 0;
        let room = 0;
        // move only what can be sent at once, so a slow peer closes its own receive window
        const pump = (socket: TCP): void => {
          while (unread > 0 && room > 0) {
            const take = Math.min(unread, room);
            room = socket.write(socket.read(take));
            unread -= take;
          }
        };
        new TCP({
          from,
          onReadable(n) {
            unread = n;
            pump(this);
          },
          onWritable(n) {
            room = n;
            pump(this);
          },
          onError() {
            this.close();
          },
        });
      }
    },
  });
  new UDP({
    address,
    port: listener.port,
    onReadable(packets) {
      for (let i = 0; i < packets; i++) {
        const p = this.read();
        if (p) this.write(p, p.address, p.port);
      }
    },
  });
  return { port: listener.port };
}
