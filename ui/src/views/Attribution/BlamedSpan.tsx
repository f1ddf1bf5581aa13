// The blamed span in its trace beside the same operation in a good run's
// trace from the baseline window, each in the run viewer's waterfall with the
// span marked, and how much more time the blamed run spent in it itself.
import { SpanWaterfall } from "../../components/SpanWaterfall";
import { duration, moment } from "../../format";
import type { BlamedTrace, TraceSide } from "../../ipc";
import { href } from "../../router";

/** "+740 ms self time", "-12 ms self time". */
export function selfDeltaText(ms: number): string {
  return `${ms >= 0 ? "+" : ""}${duration(ms)} self time`;
}

/** The blamed trace and its baseline, side by side. */
export function BlamedSpan({ blamed }: { blamed: BlamedTrace }) {
  return (
    <section class="blamed-span" aria-labelledby="blamed-title" data-testid="blamed-trace">
      <h3 id="blamed-title">
        The blamed span: {blamed.service} · {blamed.operation}
        {blamed.self_delta_ms !== null && (
          <>
            {" "}
            <span
              class={`self-delta${blamed.self_delta_ms > 0 ? " bad" : ""}`}
              data-testid="self-delta"
              data-value={blamed.self_delta_ms}
            >
              {selfDeltaText(blamed.self_delta_ms)}
            </span>
          </>
        )}
      </h3>
      <div class="trace-pair">
        <TraceColumn side={blamed.bad} title="Bad run" testId="blamed-bad" />
        {blamed.baseline ? (
          <TraceColumn side={blamed.baseline} title="Baseline: a good run" testId="blamed-baseline" />
        ) : (
          <div class="trace-side" data-testid="blamed-baseline-missing">
            <h4>Baseline</h4>
            <p class="muted">
              No good run in the baseline window has a trace with {blamed.service} · {blamed.operation}, so
              there is nothing to compare this span with.
            </p>
          </div>
        )}
      </div>
    </section>
  );
}

function TraceColumn({ side, title, testId }: { side: TraceSide; title: string; testId: string }) {
  return (
    <div class="trace-side" data-testid={testId} data-run-id={side.run_id}>
      <h4>
        {title}: <a href={href({ view: "runs", runId: side.run_id })}>{moment(side.started_at_ms)}</a>
      </h4>
      <SpanWaterfall
        spans={side.spans}
        highlight={side.span_id}
        testId={`${testId}-waterfall`}
        caption={
          <>
            Trace <code title={side.trace_id}>{side.trace_id.slice(0, 12)}…</code> · {side.spans.length} spans · the
            blamed span's self time <strong data-testid={`${testId}-self`}>{duration(side.self_ms)}</strong>
          </>
        }
      />
    </div>
  );
}
