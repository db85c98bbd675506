// "wifi" for Moddable's Linux simulator, which has no radio: the host is already on its network.
// The API and messages are those of the device module, so the firmware runs unchanged: a join
// reports "connect" then "gotIP" on the next turn; a scan finds nothing; the access point is a
// no-op (the portal listens on the host's own interfaces).

import Timer from "timer";

type Callback = (message: string, value?: number) => void;

const monitors = new Set<WiFi>();
let mode = 1;

function later(fn: () => void): void {
  Timer.set(fn, 0);
}

export default class WiFi {
  #callback: Callback | undefined;

  static readonly Mode = Object.freeze({ off: -5, none: 0, station: 1, accessPoint: 2 });
  static readonly gotIP = "gotIP";
  static readonly lostIP = "lostIP";
  static readonly connected = "connect";
  static readonly disconnected = "disconnect";

  constructor(dictionary?: { ssid?: string; password?: string }, onNotify?: Callback) {
    if (onNotify) this.onNotify = onNotify;
    if (dictionary) WiFi.connect(dictionary);
  }

  set onNotify(callback: Callback | undefined) {
    this.#callback = callback;
    if (callback) monitors.add(this);
    else monitors.delete(this);
  }

  get onNotify(): Callback | undefined {
    return this.#callback;
  }

  close(): void {
    this.#callback = undefined;
    monitors.delete(this);
  }

  static get mode(): number {
    return mode;
  }

  static set mode(value: number) {
    mode = value;
  }

  static scan(_dictionary: { hidden?: boolean; channel?: number }, callback: (item: null) => void): void {
    later(() => callback(null));
  }

  static connect(dictionary?: { ssid?: string; password?: string }): void {
    if (!dictionary) return;
    later(() => {
      for (const m of Array.from(monitors)) m.#callback?.("connect");
      for (const m of Array.from(monitors)) m.#callback?.("gotIP");
    });
  }

  static disconnect(): void {
    later(() => {
      for (const m of Array.from(monitors)) m.#callback?.("disconnect", 0);
    });
  }

  static accessPoint(_dictionary: { ssid: string; password?: string; channel?: number; station?: boolean }): void {
    mode = 3;
  }
}
