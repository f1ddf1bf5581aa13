// A journey's runs, page by page (keyset cursors), for the virtualised run
// list: pages load as the list scrolls, and runs stored while it is open are
// put on top when the engine says runs changed.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

import { call, CallError, type RunCursor, type RunRow } from "../ipc";
import { onLiveChange } from "./live";

/** Rows asked for per page. */
export const PAGE_SIZE = 200;

export interface RunPages {
  rows: RunRow[];
  total: number;
  hasMore: boolean;
  loading: boolean;
  error: CallError | null;
  loadMore: () => void;
}

function toCallError(err: unknown): CallError {
  return err instanceof CallError ? err : new CallError("unexpected", String(err));
}

/** The runs of `journey` (every journey when null), newest first. */
export function useRunPages(journey: string | null): RunPages {
  const [rows, setRows] = useState<RunRow[]>([]);
  const [total, setTotal] = useState(0);
  const [next, setNext] = useState<RunCursor | null>(null);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<CallError | null>(null);
  const inFlight = useRef(false);
  const generation = useRef(0);

  const fetchPage = useCallback(
    (before: RunCursor | null, gen: number) => {
      inFlight.current = true;
      setLoading(true);
      call("runs_page", { journey, before, limit: PAGE_SIZE }).then(
        (page) => {
          if (gen !== generation.current) return;
          inFlight.current = false;
          setLoading(false);
          setRows((old) => (before === null ? page.runs : [...old, ...page.runs]));
          setTotal(page.total);
          setNext(page.next);
          setDone(page.next === null);
          setError(null);
        },
        (err: unknown) => {
          if (gen !== generation.current) return;
          inFlight.current = false;
          setLoading(false);
          setError(toCallError(err));
        },
      );
    },
    [journey],
  );

  useEffect(() => {
    generation.current += 1;
    setRows([]);
    setNext(null);
    setDone(false);
    fetchPage(null, generation.current);
  }, [journey, fetchPage]);

  // New runs go on top; the pages already loaded stay where they are.
  useEffect(
    () =>
      onLiveChange((change) => {
        if (!change.runs) return;
        const gen = generation.current;
        call("runs_page", { journey, before: null, limit: PAGE_SIZE }).then(
          (page) => {
            if (gen !== generation.current) return;
            setTotal(page.total);
            setRows((old) => {
              const known = new Set(old.map((r) => r.id));
              const newest = old[0]?.started_at_ms ?? -Infinity;
              const fresh = page.runs.filter((r) => !known.has(r.id) && r.started_at_ms >= newest);
              return fresh.length > 0 ? [...fresh, ...old] : old;
            });
            if (rows.length === 0) {
              setNext(page.next);
              setDone(page.next === null);
            }
          },
          () => undefined,
        );
      }),
    [journey, rows.length],
  );

  const loadMore = useCallback(() => {
    if (inFlight.current || done || next === null) return;
    fetchPage(next, generation.current);
  }, [done, next, fetchPage]);

  return { rows, total, hasMore: !done, loading, error, loadMore };
}
