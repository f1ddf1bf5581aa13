// Where each piece of the engine's evidence opens in the app: a run in the
// run viewer; a trace or span in the run viewer of the run whose trace it is,
// when that trace is the one shown as blamed (or its baseline); a change event
// in the incident's timeline, when there is an incident. Anything else
// (metrics, logs, slices, an event with no incident) has no view of its own
// and stays plain text.
import type { AttributionView, EvidenceKind } from "../../ipc";
import { href } from "../../router";

/** What an evidence id opens, or null when it opens nothing. */
export interface EvidenceTarget {
  /** The app route. */
  href: string;
  /** The run it opens, for run, trace and span evidence. */
  runId: string | null;
}

/** The run whose trace is `traceId`, among the traces the view has. */
function runOfTrace(view: AttributionView, traceId: string): string | null {
  const b = view.blamed;
  if (!b) return null;
  if (b.bad.trace_id === traceId) return b.bad.run_id;
  if (b.baseline?.trace_id === traceId) return b.baseline.run_id;
  return null;
}

/** Where evidence id `id` of kind `kind` opens in `view`. */
export function evidenceTarget(kind: EvidenceKind, id: string, view: AttributionView): EvidenceTarget | null {
  const run = (runId: string | null) => (runId ? { href: href({ view: "runs", runId }), runId } : null);
  switch (kind) {
    case "run":
      return run(id);
    case "trace":
      return run(runOfTrace(view, id));
    case "span": {
      // Span ids are `TRACE/SPAN`.
      const slash = id.indexOf("/");
      return slash > 0 ? run(runOfTrace(view, id.slice(0, slash))) : null;
    }
    case "event":
      return view.incident === null
        ? null
        : { href: href({ view: "incidents", id: view.incident, event: id }), runId: null };
    default:
      return null;
  }
}

/** An id short enough for a link's text: the span of `TRACE/SPAN`, the start of a long id. */
export function shortId(id: string): string {
  const last = id.slice(id.lastIndexOf("/") + 1);
  return last.length > 12 ? `${last.slice(0, 8)}…` : last;
}
