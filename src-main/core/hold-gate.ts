/**
 * A gate a worker's loop passes before each unit of work: `hold()` closes it, `release()` opens it,
 * `passed()` resolves once it is open. Used by the image worker (held while a benchmark pauses the
 * pipeline) and the crop-preparation worker (held while a model run is active). A hold → release →
 * hold sequence while the loop waits holds again: the loop re-checks after each wake-up.
 */
export interface HoldGate {
  hold(): void;
  release(): void;
  passed(): Promise<void>;
}

export function createHoldGate(): HoldGate {
  let held: { readonly promise: Promise<void>; readonly open: () => void } | null = null;
  return {
    hold() {
      if (held !== null) return;
      let open = (): void => undefined;
      const promise = new Promise<void>((resolve) => {
        open = resolve;
      });
      held = { promise, open };
    },
    release() {
      held?.open();
      held = null;
    },
    async passed() {
      while (held !== null) await held.promise;
    },
  };
}
