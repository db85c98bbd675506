// A listener whose accepted sockets carry nothing of their own: shared module-level callbacks, one
// array item each to keep them. The live heap per connection of this scenario is what the XS run's
// ECMA-419 stand-ins (host-sim/xs/embedded/) cost per socket; on a device the socket is a native
// object of a few slots whose state lives outside the JS heap. bench/live-heap.ts subtracts it.

import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";

const held: TCP[] = [];

function onReadable(this: TCP, count: number): void {
  this.write(this.read(count));
}

function onError(this: TCP): void {
  const i = held.indexOf(this);
  if (i >= 0) held.splice(i, 1);
  this.close();
}

function onAccept(this: Listener, count: number): void {
  for (let i = 0; i < count; i++) {
    const from = this.read();
    if (from) held.push(new TCP({ from, onReadable, onError }));
  }
}

export default function main(): { port: number } {
  const listener = new Listener({ address: "127.0.0.1", port: 0, onReadable: onAccept });
  return { port: listener.port };
}
