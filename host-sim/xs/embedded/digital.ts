// "embedded:io/digital" for the XS run: simulated GPIO pins. Inputs read the level the host sets
// with the exposed "digital.set" call ({pin, level}); a pulled-up input idles high, as a button
// wired to ground does on a board.

import { expose } from "./host";

const levels = new Map<number, number>();

expose("digital.set", (args) => {
  const { pin, level } = args as { pin: number; level: number };
  levels.set(pin, level ? 1 : 0);
  return null;
});

export default class Digital {
  static readonly Input = 0;
  static readonly InputPullUp = 1;
  static readonly InputPullDown = 2;
  static readonly InputPullUpDown = 3;
  static readonly Output = 8;
  static readonly OutputOpenDrain = 9;
  static readonly Rising = 1;
  static readonly Falling = 2;

  readonly #pin: number;
  readonly #mode: number;
  #closed = false;

  constructor(options: { pin: number; mode: number }) {
    if (!options || typeof options.pin !== "number" || typeof options.mode !== "number") throw new TypeError("pin and mode required");
    this.#pin = options.pin;
    this.#mode = options.mode;
    if (!levels.has(this.#pin)) levels.set(this.#pin, this.#mode === Digital.InputPullUp ? 1 : 0);
  }

  read(): number {
    if (this.#closed) throw new Error("closed");
    return levels.get(this.#pin) ?? 0;
  }

  write(value: number): void {
    if (this.#closed) throw new Error("closed");
    if (this.#mode < Digital.Output) throw new Error("pin is an input");
    levels.set(this.#pin, value ? 1 : 0);
  }

  close(): void {
    this.#closed = true;
  }
}
