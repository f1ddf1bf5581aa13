// The backend span waterfall of one trace: every span received for it,
// nested under its parent, drawn against the span range of the trace, errors
// in the danger colour with what the service said. The run viewer shows a
// run's trace with it; the Attribution view shows the blamed trace and its
// baseline side by side, the blamed span marked in each.
import type { ComponentChildren } from "preact";

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

export interface SpanWaterfallProps {
  /** The trace's spans, by start, with depths. */
  spans: readonly SpanRow[];
  /** A span to mark (the one blamed), by id. */
  highlight?: string | null;
  /** The line above the table; by default, how many spans arrived and how many failed. */
  caption?: ComponentChildren;
  /** The table's test id. */
  testId?: string;
}

/** The spans as a waterfall table. */
export function SpanWaterfall({ spans, highlight = null, caption, testId = "span-waterfall" }: SpanWaterfallProps) {
  const bars = barGeometry(spans);
  const errors = spans.filter((s) => s.error).length;
  return (
    <>
      <p class="muted">
        {caption ?? (
          <>
            {spans.length} spans received over OTLP for this run's trace
            {errors > 0 ? `, ${errors} with an error` : ""}.
          </>
        )}
      </p>
      <table class="span-waterfall" data-testid={testId}>
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
          {spans.map((s, i) => {
            const blamed = highlight !== null && s.span_id === highlight;
            const cls = [s.error ? "failed" : "", blamed ? "blamed" : ""].filter(Boolean).join(" ");
            return (
              <tr
                key={s.span_id}
                class={cls || undefined}
                data-service={s.service}
                data-span-id={s.span_id}
                data-error={s.error ? "true" : "false"}
                data-depth={s.depth}
                data-blamed={blamed ? "true" : undefined}
                aria-current={blamed ? "true" : undefined}
              >
                <td class="span-name" style={{ paddingLeft: `${0.4 + s.depth * 1.1}rem` }}>
                  <strong>{s.service}</strong> {s.name}
                  {s.service_version ? <span class="muted"> {s.service_version}</span> : null}
                  {blamed ? <span class="badge badge-blamed">blamed</span> : null}
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
            );
          })}
        </tbody>
      </table>
    </>
  );
}
