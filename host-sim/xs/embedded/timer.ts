// "timer" for the XS run, with Moddable's Timer API: set(callback, delay, repeat?),
// repeat(callback, interval), schedule(id, delay, repeat?), clear(id). The callback receives the
// timer id. One-shot timers clear themselves after firing. The bridge asks how long XS may sleep
// after every delivery and the host wakes it with a "timer" event.

import { invoke, on, onWake } from "./host";
import { ticks } from "./time";

interface TimerRecord {
  callback: (id: TimerRecord) => void;
  at: number;
  /** 0 for a one-shot timer */
  repeat: number;
  live: boolean;
}

const active = new Set<TimerRecord>();

function arm(t: TimerRecord, delay: number, repeat: number): void {
  t.at = ticks() + Math.max(0, Number(delay) || 0);
  t.repeat = Math.max(0, Number(repeat) || 0);
  t.live = true;
  active.add(t);
}

function runDue(): void {
  const now = ticks();
  const due: TimerRecord[] = [];
  for (const t of active) if (t.at <= now) due.push(t);
  due.sort((a, b) => a.at - b.at);
  for (const t of due) {
    if (!t.live || t.at > now) continue;
    if (t.repeat > 0) {
      // a late wake-up fires once, not once per missed interval
      t.at += t.repeat;
      if (t.at <= now) t.at = now + t.repeat;
    } else {
      t.live = false;
      active.delete(t);
    }
    invoke("timer", () => t.callback(t));
  }
}

function nextWake(): number {
  if (active.size === 0) return -1;
  let at = Infinity;
  for (const t of active) if (t.at < at) at = t.at;
  return Math.max(0, at - ticks());
}

const Timer = {
  set(callback: (id: unknown) => void, delay = 0, repeat?: number): unknown {
    if (typeof callback !== "function") throw new TypeError("callback required");
    const t: TimerRecord = { callback, at: 0, repeat: 0, live: false };
    arm(t, delay, repeat ?? 0);
    return t;
  },
  repeat(callback: (id: unknown) => void, interval: number): unknown {
    if (typeof callback !== "function") throw new TypeError("callback required");
    const t: TimerRecord = { callback, at: 0, repeat: 0, live: false };
    arm(t, interval, interval);
    return t;
  },
  schedule(id: unknown, delay: number, repeat?: number): void {
    const t = id as TimerRecord;
    if (!t || typeof t.callback !== "function") throw new TypeError("invalid timer");
    arm(t, delay, repeat ?? 0);
  },
  clear(id: unknown): void {
    const t = id as TimerRecord | undefined;
    if (!t || typeof t !== "object") return;
    t.live = false;
    active.delete(t);
  },
  delay(): void {
    throw new Error("Timer.delay blocks the only thread; not available in the XS run");
  },
};

on("timer", runDue);
onWake(nextWake);

export default Timer;
