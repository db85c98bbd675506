// The on-device way into setup: hold a button for a few seconds. The pin is sampled on a timer
// (no interrupt needed, and the sampling is the debounce): a press counts once the level has
// been steady for `debounceMs`, and fires once per press when held for `holdMs`, so a bounce or a
// brief tap never reopens the portal.

import type { Timers } from "../../modules/core/platform";

export interface ButtonInput {
  /** the pin level: what counts as "pressed" is told by `activeLow` */
  read(): number | boolean;
}

export interface PortalButtonOptions {
  holdMs?: number;
  debounceMs?: number;
  sampleMs?: number;
  /** boards wire buttons to ground with a pull-up: pressed reads 0 (default true) */
  activeLow?: boolean;
}

/** Pure press logic, fed one sample at a time (kept apart from the timer for tests). */
export class LongPress {
  private level = false;
  private since = 0;
  private pressedAt = -1;
  private fired = false;

  constructor(private readonly holdMs: number, private readonly debounceMs: number) {}

  /** Feed a sample; returns true exactly once per press held past holdMs. */
  sample(pressed: boolean, now: number): boolean {
    if (pressed !== this.level) {
      this.level = pressed;
      this.since = now;
    }
    const steady = now - this.since >= this.debounceMs;
    if (!steady) return false;
    if (!pressed) {
      this.pressedAt = -1;
      this.fired = false;
      return false;
    }
    if (this.pressedAt < 0) this.pressedAt = this.since;
    if (!this.fired && now - this.pressedAt >= this.holdMs) {
      this.fired = true;
      return true;
    }
    return false;
  }
}

export class PortalButton {
  private readonly timer: unknown;

  constructor(input: ButtonInput, private readonly timers: Timers, now: () => number, onHold: () => void, options: PortalButtonOptions = {}) {
    const press = new LongPress(options.holdMs ?? 3000, options.debounceMs ?? 50);
    const activeLow = options.activeLow ?? true;
    this.timer = timers.repeat(() => {
      const v = input.read();
      const high = v === true || v === 1;
      if (press.sample(activeLow ? !high : high, now())) onHold();
    }, options.sampleMs ?? 25);
  }

  stop(): void {
    this.timers.clear(this.timer);
  }
}
