// The backend span waterfall of one run: every span received for the run's
// trace id, nested under its parent, drawn against the span range of the trace,
// errors in the danger colour with what the service said.
import { duration } from "../../format";
import type { SpanRow } from "../../ipc";

/** Where a bar sits, in percent of the trace's range. */
export function barGeometry(
  spans: readonly SpanRow[],
): { left: number; width: number }[] {
  if (spans.length === 0) return [];
  const from = Math.min(...spans.map((s) => s.offset_ms));
  const to = Math.max(...spans.map((s) => s.offset_ms + s.duration_ms));
  const range = Math.max(to - from, 1);
  return spans.map((s) => ({
    left: ((s.offset_ms - from) / range) * 100,
    // At least a sliver, so a 0 ms span is still seen.
    width: Math.max((s.duration_ms / range) * 100, 0.4),
  }));
}

/** The spans as a waterfall table. */
export function SpanWaterfall({ spans }: { spans: readonly SpanRow[] }) {
  const bars = barGeometry(spans);
  const errors = spans.filter((s) => s.error).length;
  return (
    <>
      <p class="muted">
        {spans.length} spans received over OTLP for this run's trace
        {errors > 0 ? `, ${errors} with an error` : ""}.
      </p>
      <table class="span-waterfall" data-testid="span-waterfall">
        <thead>
          <tr>
            <th scope="col">service · operation</th>
            <th scope="col">status</th>
            <th scope="col" class="span-timeline-head">
              starts · takes
            </th>
          </tr>
        </thead>
        <tbody>
          {spans.map((s, i) => (
            <tr
              key={s.span_id}
              class={s.error ? "failed" : undefined}
              data-service={s.service}
              data-error={s.error ? "true" : "false"}
              data-depth={s.depth}
            >
              <td class="span-name" style={{ paddingLeft: `${0.4 + s.depth * 1.1}rem` }}>
                <strong>{s.service}</strong> {s.name}
                {s.service_version ? <span class="muted"> {s.service_version}</span> : null}
              </td>
              <td class="span-status">
                {s.http_status_code ?? ""}
                {s.error ? ` ${s.status_message ?? "error"}` : ""}
              </td>
              <td class="span-timeline">
                <div
                  class="span-bar"
                  style={{ left: `${bars[i]?.left ?? 0}%`, width: `${bars[i]?.width ?? 0}%` }}
                  title={`+${duration(s.offset_ms)} for ${duration(s.duration_ms)}`}
                />
                <span class="span-time">
                  +{duration(s.offset_ms)} · {duration(s.duration_ms)}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
