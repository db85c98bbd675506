// The Platform: the one seam between mcnet and the world (sockets, time, randomness, digests,
// storage, Wi-Fi, logging). On a device the socket constructors *are* Moddable's ECMA-419
// classes (embedded:io/socket/*); host-sim implements the same contract over Node; the
// loopback platform implements it in memory with a virtual clock for unit tests.
//
// Semantics every implementation must keep (pinned by test/platform/conformance):
//  - callbacks are invoked with `this` set to the socket (or `options.target` is exposed as
//    `socket.target`);
//  - TCP onWritable(count) first fires once connected, reporting free send-buffer bytes;
//    write() of more than that throws and writes nothing;
//  - read() returns undefined when nothing is buffered, read(n) throws past what is available,
//    read(view) fills the view and returns the byte count; the receive window reopens only as
//    the app reads;
//  - onError comes only after buffered data has been read (or immediately when nothing is
//    buffered); any call on a closed socket throws;
//  - Listener onReadable(count) reports pending connections; read() hands out a TCP socket
//    with no callbacks, to be re-wrapped with `new TCP({from: socket, ...})`;
//  - UDP read() returns an ArrayBuffer carrying `address` and `port`; write(data, address, port).

export type Bytes = ArrayBuffer | ArrayBufferView;

export interface SocketError {
  /** short machine-readable reason, e.g. "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT" */
  readonly code?: string;
  readonly message?: string;
}

export interface TCPOptions {
  /** IPv4/IPv6 literal of the remote host (connect) */
  address?: string;
  port?: number;
  /** a socket obtained from Listener.read() */
  from?: TCPSocket;
  nodelay?: boolean;
  keepalive?: { idle?: number; interval?: number; count?: number };
  format?: "buffer" | "number";
  target?: unknown;
  onReadable?: (this: TCPSocket, count: number) => void;
  onWritable?: (this: TCPSocket, count: number) => void;
  onError?: (this: TCPSocket, error?: SocketError) => void;
}

export interface TCPSocket {
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  readonly localAddress?: string;
  readonly localPort?: number;
  format: "buffer" | "number";
  target?: unknown;
  read(): ArrayBuffer | undefined;
  read(count: number): ArrayBuffer;
  read(into: ArrayBuffer | ArrayBufferView): number;
  write(data: Bytes): void;
  close(): void;
}

export interface TCPConstructor {
  new (options: TCPOptions): TCPSocket;
}

export interface ListenerOptions {
  address?: string;
  /** 0 or absent: an ephemeral port, reported by `listener.port` */
  port?: number;
  target?: unknown;
  onReadable?: (this: ListenerSocket, count: number) => void;
  onError?: (this: ListenerSocket, error?: SocketError) => void;
}

export interface ListenerSocket {
  readonly port: number;
  readonly address?: string;
  target?: unknown;
  /** a connected TCP socket with no callbacks, or undefined when none is pending */
  read(): TCPSocket | undefined;
  close(): void;
}

export interface ListenerConstructor {
  new (options: ListenerOptions): ListenerSocket;
}

export interface UDPPacket extends ArrayBuffer {
  address: string;
  port: number;
}

export interface UDPOptions {
  address?: string;
  port?: number;
  multicast?: string;
  format?: "buffer";
  target?: unknown;
  onReadable?: (this: UDPSocket, packets: number) => void;
  onWritable?: (this: UDPSocket, count: number) => void;
  onError?: (this: UDPSocket, error?: SocketError) => void;
}

export interface UDPSocket {
  readonly port: number;
  readonly address?: string;
  target?: unknown;
  read(): UDPPacket | undefined;
  write(data: Bytes, address: string, port: number): void;
  addMembership?(group: string, iface?: string): void;
  dropMembership?(group: string, iface?: string): void;
  close(): void;
}

export interface UDPConstructor {
  new (options: UDPOptions): UDPSocket;
}

/** Moddable Timer semantics: set(callback, delay, repeat?) returns an id; clear(id). */
export type TimerId = unknown;
export interface Timers {
  set(callback: () => void, delay: number, repeat?: number): TimerId;
  repeat(callback: () => void, interval: number): TimerId;
  clear(id: TimerId): void;
}

export type DigestAlgorithm = "SHA1" | "MD5" | "SHA256";

export interface KeyValueStore {
  get(key: string): string | undefined;
  /** written atomically: a reader sees the old value or the new one, never a torn one */
  set(key: string, value: string): void;
  delete(key: string): void;
  keys(): string[];
}

export type WifiSecurity = "open" | "wep" | "wpa" | "wpa2" | "wpa3" | "wpa2-enterprise";

export interface WifiNetwork {
  ssid: string;
  bssid?: string;
  rssi: number;
  channel: number;
  security: WifiSecurity;
}

export type WifiStationStatus =
  | { state: "connecting" }
  | { state: "connected"; address: string; gateway?: string; netmask?: string }
  | { state: "failed"; reason: "wrong-password" | "not-found" | "timeout" | "other"; message?: string }
  | { state: "disconnected" };

export interface WifiAccessPointOptions {
  ssid: string;
  password?: string;
  channel?: number;
  hidden?: boolean;
  maxClients?: number;
  /** keep the station interface up beside the AP (AP+STA), so scan() and connect() work while
   * the AP serves clients (Moddable: `WiFi.accessPoint({..., station: true})`) */
  station?: boolean;
}

export interface Wifi {
  /** the station MAC as "aa:bb:cc:dd:ee:ff" */
  mac(): string;
  scan(done: (networks: WifiNetwork[] | undefined, error?: string) => void): void;
  startAccessPoint(options: WifiAccessPointOptions): { address: string };
  stopAccessPoint(): void;
  connect(options: { ssid: string; password?: string }, onStatus: (status: WifiStationStatus) => void): void;
  disconnect(): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Platform {
  readonly name: string;
  readonly TCP: TCPConstructor;
  readonly UDP: UDPConstructor;
  readonly Listener: ListenerConstructor;
  readonly timers: Timers;
  /** monotonic milliseconds */
  now(): number;
  /** wall-clock milliseconds since the epoch (may be wrong on a device without SNTP) */
  time(): number;
  randomBytes(count: number): Uint8Array;
  digest(algorithm: DigestAlgorithm, ...parts: Bytes[]): ArrayBuffer;
  readonly store: KeyValueStore;
  readonly wifi?: Wifi;
  log(level: LogLevel, message: string): void;
}

/** View any Bytes as a Uint8Array without copying. */
export function asU8(data: Bytes): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
