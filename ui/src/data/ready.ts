// Tells the engine, once per page load, that the first view has its data on
// screen and takes input: the cold-start benchmark's finish line.
import { call } from "../ipc";

let sent = false;

/** Reports `view` as the first interactive view; later calls do nothing. */
export function markReady(view: string): void {
  if (sent) return;
  sent = true;
  const report = async () => {
    try {
      await call("ui_ready", { view });
    } catch {
      // Only the benchmark listens; the app works the same without it.
    }
  };
  // After the browser has painted the frame that shows the data.
  requestAnimationFrame(() => setTimeout(() => void report(), 0));
}
