// Ambient declarations for the Moddable SDK modules the device Platform uses, written for mcnet
// from the ECMA-419 (TC53) specification and Moddable's module documentation. They describe the
// behaviour mcnet relies on; they are not Moddable's own typings.

/** Moddable's debug output (serial console / xsbug); strings are not newline-terminated for you. */
declare function trace(...values: unknown[]): void;

declare module "embedded:io/socket/tcp" {
  type Buffer = ArrayBuffer | ArrayBufferView;

  export interface TCPOptions {
    /** IP address literal of the remote host (connect) */
    address?: string;
    port?: number;
    /** a socket from Listener.read(), adopted with new callbacks (the old instance is closed) */
    from?: TCP;
    nodelay?: boolean;
    keepalive?: { idle?: number; interval?: number; count?: number };
    format?: "buffer" | "number";
    target?: unknown;
    /** bytes now available to read */
    onReadable?: (this: TCP, count: number) => void;
    /** free bytes in the send buffer: first once connected, then as sent data is acknowledged */
    onWritable?: (this: TCP, count: number) => void;
    /** the connection failed or the peer closed; called after buffered data has been read */
    onError?: (this: TCP) => void;
  }

  export default class TCP {
    constructor(options: TCPOptions);
    readonly remoteAddress?: string;
    readonly remotePort?: number;
    readonly localAddress?: string;
    readonly localPort?: number;
    format: "buffer" | "number";
    target?: unknown;
    /** all available bytes, or undefined when nothing is buffered */
    read(): ArrayBuffer | undefined;
    /** exactly `count` bytes; throws if fewer are available */
    read(count: number): ArrayBuffer;
    /** fills the whole view; throws if fewer bytes are available; returns the byte count */
    read(into: ArrayBuffer | ArrayBufferView): number;
    /** queues all of `data` or throws ("would block") and queues nothing; returns the free space left */
    write(data: Buffer): number;
    close(): void;
  }
}

declare module "embedded:io/socket/listener" {
  import type TCP from "embedded:io/socket/tcp";

  export interface ListenerOptions {
    address?: string;
    /** 0 for an ephemeral port */
    port?: number;
    target?: unknown;
    /** connections waiting to be read */
    onReadable?: (this: Listener, count: number) => void;
    onError?: (this: Listener) => void;
  }

  export default class Listener {
    constructor(options: ListenerOptions);
    readonly port: number;
    readonly address?: string;
    target?: unknown;
    /** the oldest pending connection as a TCP socket without callbacks, or undefined */
    read(): TCP | undefined;
    close(): void;
  }
}

declare module "embedded:io/socket/udp" {
  type Buffer = ArrayBuffer | ArrayBufferView;

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
    /** datagrams waiting to be read */
    onReadable?: (this: UDP, packets: number) => void;
    onWritable?: (this: UDP, count: number) => void;
    onError?: (this: UDP) => void;
  }

  export default class UDP {
    constructor(options: UDPOptions);
    readonly port: number;
    readonly address?: string;
    target?: unknown;
    /** the oldest datagram, carrying its sender's address and port, or undefined */
    read(): UDPPacket | undefined;
    write(data: Buffer, address: string, port: number): void;
    addMembership?(group: string, iface?: string): void;
    dropMembership?(group: string, iface?: string): void;
    close(): void;
  }
}

declare module "embedded:io/digital" {
  /** ECMA-419 Digital IO: one GPIO pin. */
  export interface DigitalOptions {
    pin: number;
    mode: number;
    edge?: number;
    onReadable?: (this: Digital) => void;
  }
  export default class Digital {
    static readonly Input: number;
    static readonly InputPullUp: number;
    static readonly InputPullDown: number;
    static readonly InputPullUpDown: number;
    static readonly Output: number;
    static readonly OutputOpenDrain: number;
    static readonly Rising: number;
    static readonly Falling: number;
    constructor(options: DigitalOptions);
    /** 0 or 1 */
    read(): number;
    write(value: number): void;
    close(): void;
  }
}

declare module "timer" {
  /** an opaque timer handle */
  export type TimerID = object;
  const Timer: {
    /** one-shot after `delay` ms (0: next turn); with `repeat`, then every `repeat` ms */
    set(callback: (id: TimerID) => void, delay?: number, repeat?: number): TimerID;
    repeat(callback: (id: TimerID) => void, interval: number): TimerID;
    schedule(id: TimerID, delay: number, repeat?: number): void;
    /** one-shot timers clear themselves after firing */
    clear(id: TimerID): void;
    delay(ms: number): void;
  };
  export default Timer;
}

declare module "time" {
  const Time: {
    /** millisecond counter since boot; not the time of day */
    readonly ticks: number;
    readonly microseconds?: number;
    delta(start: number, end?: number): number;
    set?(seconds: number): void;
    timezone?: number;
    dst?: number;
  };
  export default Time;
}

declare module "preference" {
  export type PreferenceValue = boolean | number | string | ArrayBuffer;
  /**
   * Persistent values by domain and key. Limits depend on the port: ESP32 (NVS) keys and domains
   * up to 15 characters and values up to 4000 bytes; ESP8266 up to 32 characters and 63 bytes.
   */
  const Preference: {
    get(domain: string, key: string): PreferenceValue | undefined;
    set(domain: string, key: string, value: PreferenceValue): void;
    delete(domain: string, key: string): void;
    keys(domain: string): string[];
  };
  export default Preference;
}

declare module "wifi" {
  export interface WiFiScanItem {
    ssid: string;
    rssi: number;
    channel: number;
    hidden: boolean;
    /** six bytes */
    bssid: ArrayBuffer;
    /** "none", "wep", "wpa_psk", "wpa2_psk", "wpa_wpa2_psk", "wpa2_enterprise", "wpa3_psk", ... */
    authentication?: string;
  }

  export interface WiFiConnectOptions {
    ssid?: string;
    password?: string;
    bssid?: ArrayBuffer;
    channel?: number;
  }

  export interface WiFiAccessPointOptions {
    ssid: string;
    /** 8 to 64 bytes; absent for an open network */
    password?: string;
    /** 1 to 13 (default 1) */
    channel?: number;
    hidden?: boolean;
    /** beacon interval, ms */
    interval?: number;
    /** maximum simultaneous stations (default 4) */
    max?: number;
    /** keep station mode running alongside the access point */
    station?: boolean;
  }

  /** "connect", "gotIP", "lostIP", "disconnect" (value -1 when the password was rejected) */
  export type WiFiCallback = (message: string, value?: number) => void;

  export default class WiFi {
    /** starts connecting when `dictionary` is given; reports progress to `onNotify` */
    constructor(dictionary?: WiFiConnectOptions, onNotify?: WiFiCallback);
    onNotify: WiFiCallback | undefined;
    /** stop reporting to this instance (does not disconnect) */
    close(): void;

    static mode: number;
    static readonly Mode: { readonly off: number; readonly none: number; readonly station: number; readonly accessPoint: number };
    static readonly gotIP: string;
    static readonly lostIP: string;
    static readonly connected: string;
    static readonly disconnected: string;

    /** calls back once per access point found, then once with null; throws if a scan is running */
    static scan(dictionary: { hidden?: boolean; channel?: number }, callback: (item: WiFiScanItem | null) => void): void;
    /** no argument: disconnect */
    static connect(dictionary?: WiFiConnectOptions): void;
    static disconnect(): void;
    static accessPoint(dictionary: WiFiAccessPointOptions): void;
  }
}

declare module "net" {
  const Net: {
    /** "IP", "MAC", "SSID", "BSSID", "RSSI", "CHANNEL", "DNS"; interface "station" | "ap" */
    get(property: string, iface?: "station" | "ap" | "ethernet"): string | number | string[] | undefined;
    resolve?(host: string, callback: (name: string, address: string | undefined) => void): void;
  };
  export default Net;
}

declare module "crypt" {
  type Data = ArrayBuffer | ArrayBufferView | string;
  /** "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512" */
  export class Digest {
    constructor(type: string);
    readonly blockSize: number;
    readonly outputSize: number;
    write(data: Data): void;
    /** the digest of everything written since the last reset */
    close(): ArrayBuffer;
    reset(): void;
    process(...data: Data[]): ArrayBuffer;
  }
  const crypt: { Digest: typeof Digest };
  export default crypt;
}

declare module "mc/config" {
  const config: Readonly<Record<string, unknown>>;
  export default config;
}
