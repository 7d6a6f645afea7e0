/* Software debounce for edge events: after an event is reported, further events within `ms` are
 * dropped, except that the level at the end of the window is reported if it differs (so a stuck
 * bounce never hides the final state). Timers come from the injected clock. */
import type { Clock } from "../types";
import type { GpioEdgeEvent } from "./types";

export function debouncer(ms: number, clock: Clock, emit: (event: GpioEdgeEvent) => void) {
  let last: boolean | undefined;
  let quietUntil = Number.NEGATIVE_INFINITY;
  let latest: GpioEdgeEvent | undefined;
  let timer: unknown;
  const flush = () => {
    timer = undefined;
    if (latest && latest.value !== last) {
      last = latest.value;
      emit(latest);
    }
    latest = undefined;
  };
  return {
    push(event: GpioEdgeEvent) {
      if (ms <= 0) return emit(event);
      const now = clock.now();
      if (now >= quietUntil) {
        quietUntil = now + ms;
        last = event.value;
        latest = undefined;
        emit(event);
        timer = clock.setTimeout(flush, ms);
      } else {
        latest = event;
      }
    },
    stop() {
      if (timer !== undefined) clock.clearTimeout(timer);
    },
  };
}
