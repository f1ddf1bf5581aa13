import { VirtualList } from "../../components/VirtualList";
import { ErrorState } from "../../components/States";
import { useRunPages } from "../../data/useRunPages";
import { count, duration, moment } from "../../format";
import { navigate } from "../../router";

const ROW_HEIGHT = 32;

/** Every run of a journey, newest first, virtualised and paged. */
export function RunList({ journey }: { journey: string }) {
  const pages = useRunPages(journey);
  if (pages.error && pages.rows.length === 0) {
    return <ErrorState title="The runs could not be read" error={pages.error} />;
  }
  return (
    <section class="runs" aria-labelledby="runs-title">
      <h3 id="runs-title">
        Runs <span class="muted">({count(pages.total)})</span>
      </h3>
      {!pages.loading && pages.rows.length === 0 ? (
        <p class="muted">No runs yet. Replay now, or start the runner with <code>sightline run</code>.</p>
      ) : (
        <VirtualList
          rowCount={pages.rows.length}
          hasMore={pages.hasMore}
          rowHeight={ROW_HEIGHT}
          height={320}
          label={`Runs of ${journey}`}
          idPrefix="run"
          onNeedMore={pages.loadMore}
          onOpen={(i) => {
            const r = pages.rows[i];
            if (r) navigate({ view: "runs", runId: r.id });
          }}
          renderRow={(i) => {
            const r = pages.rows[i];
            if (!r) return null;
            return (
              <a class="run-row" href={`#/runs/${encodeURIComponent(r.id)}`} tabIndex={-1}>
                <span class={`dot dot-${r.outcome}`} aria-hidden="true" />
                <span class="run-when">{moment(r.started_at_ms)}</span>
                <span class="run-region">{r.region}</span>
                <span class={`run-outcome outcome-${r.outcome}`}>{r.outcome}</span>
                <span class="run-duration">{duration(r.duration_ms)}</span>
                <span class="run-error muted">
                  {r.attempt > 1 ? `attempt ${r.attempt} · ` : ""}
                  {r.error_class ?? ""}
                </span>
              </a>
            );
          }}
        />
      )}
    </section>
  );
}
