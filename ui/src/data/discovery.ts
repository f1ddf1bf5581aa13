// The Discovery view's data: discovery runs when a person asks (it reads
// whole log files, so never on a live change), and again after a decision.
// Unlike `useCommand`, the answer on screen is kept with the request that
// made it: a decision must name the inputs its candidate came from, not
// what the form holds by then.
import { useCallback, useRef, useState } from "preact/hooks";

import { call, CallError, type DiscoveryRequest, type DiscoveryView } from "../ipc";

/** Discovery's answer and the request it answers. */
export interface Discovered {
  request: DiscoveryRequest;
  view: DiscoveryView;
}

export interface DiscoveryRun {
  /** The answer on screen, if any. */
  shown: Discovered | null;
  /** The request being answered now. */
  running: DiscoveryRequest | null;
  /** Why the last run failed; cleared by the next answer. */
  error: CallError | null;
  /**
   * Runs `request`. The same inputs again (after a decision) keep the
   * answer on screen until the new one arrives; other inputs clear it.
   */
  run: (request: DiscoveryRequest) => void;
}

const same = (a: DiscoveryRequest | null | undefined, b: DiscoveryRequest) =>
  a !== null && a !== undefined && JSON.stringify(a) === JSON.stringify(b);

export function useDiscovery(): DiscoveryRun {
  const [shown, setShown] = useState<Discovered | null>(null);
  const [running, setRunning] = useState<DiscoveryRequest | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  // Only the latest run's answer is shown; an earlier one arriving late is dropped.
  const latest = useRef(0);
  const shownRef = useRef<Discovered | null>(null);

  const run = useCallback((request: DiscoveryRequest) => {
    const n = ++latest.current;
    setRunning(request);
    if (!same(shownRef.current?.request, request)) {
      shownRef.current = null;
      setShown(null);
    }
    call("discovery", request).then(
      (view) => {
        if (n !== latest.current) return;
        shownRef.current = { request, view };
        setShown(shownRef.current);
        setError(null);
        setRunning(null);
      },
      (err: unknown) => {
        if (n !== latest.current) return;
        setError(err instanceof CallError ? err : new CallError("unexpected", String(err)));
        setRunning(null);
      },
    );
  }, []);

  return { shown, running, error, run };
}
