// "time" for the XS run: Time.ticks is a millisecond counter from when XS started, as on a device
// (where it counts from boot). xsnap's performance.now() is the only clock XS has here.

declare const performance: { now(): number };

const origin = performance.now();

export function ticks(): number {
  return Math.floor(performance.now() - origin);
}

const Time = {
  get ticks(): number {
    return ticks();
  },
  get microseconds(): number {
    return Math.floor((performance.now() - origin) * 1000);
  },
  delta(start: number, end?: number): number {
    return (end ?? ticks()) - start;
  },
};

export default Time;
