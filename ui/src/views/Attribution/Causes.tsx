// The causes the engine found: the top one in full (what, where, how much,
// since when, the change behind it and every piece of evidence, each opening
// where it can), the others below in a line each with their evidence folded.
import { moment, percent, timeOfDay } from "../../format";
import type { AttributionView, Cause, Evidence } from "../../ipc";
import { evidenceTarget, shortId } from "./evidence";

/** "payment · POST /charge in us-east-1", or what is known of it. */
export function causeTitle(c: Cause): string {
  const what = [c.service ?? "an unknown service", c.operation].filter(Boolean).join(" · ");
  return c.region ? `${what} in ${c.region}` : what;
}

/** The top cause, in full. */
export function TopCause({ cause, view }: { cause: Cause; view: AttributionView }) {
  const ch = cause.change;
  return (
    <section class="top-cause" data-testid="top-cause" aria-labelledby="top-cause-title">
      <h3 id="top-cause-title">
        <span class="muted">Top cause:</span> {causeTitle(cause)}
      </h3>
      <dl class="facts cause-facts">
        <dt>Service</dt>
        <dd data-field="service">{cause.service ?? "–"}</dd>
        <dt>Operation</dt>
        <dd data-field="operation">{cause.operation ?? "–"}</dd>
        <dt>Region</dt>
        <dd data-field="region">{cause.region ?? "all or unknown"}</dd>
        <dt>Kind</dt>
        <dd data-field="kind">{cause.kind}</dd>
        <dt>Share</dt>
        <dd data-field="share" data-value={cause.share}>
          {percent(cause.share, 0)} of the bad runs in the window
        </dd>
        <dt>Onset</dt>
        <dd data-field="onset">
          {cause.onset
            ? `${moment(cause.onset.at_ms)} (95%: ${timeOfDay(cause.onset.earliest_ms)}–${timeOfDay(cause.onset.latest_ms)})`
            : "not found"}
        </dd>
        {cause.slice.length > 0 && (
          <>
            <dt>Slice</dt>
            <dd data-field="slice">{cause.slice.map((s) => `${s.dimension}: ${s.value}`).join(", ")}</dd>
          </>
        )}
      </dl>
      {ch ? (
        <div class="cause-change" data-testid="cause-change">
          <h4>The change behind it</h4>
          <p>
            <strong>{ch.release ?? `${ch.kind} ${ch.event_id}`}</strong>
            {ch.service && (
              <>
                {" "}
                · {ch.service}
                {ch.version ? ` ${ch.version}` : ""}
              </>
            )}
            {ch.region ? ` in ${ch.region}` : ""} · {moment(ch.at_ms)} ({minutesText(ch.minutes_before_onset)}) ·
            match {percent(ch.score, 0)}
          </p>
          <p class="muted">{ch.why}</p>
        </div>
      ) : (
        <p class="muted">No deploy or Kubernetes event matches this cause.</p>
      )}
      <h4>Evidence</h4>
      <EvidenceList items={cause.evidence} view={view} />
    </section>
  );
}

function minutesText(m: number): string {
  const n = Math.abs(m).toFixed(m !== 0 && Math.abs(m) < 10 ? 1 : 0);
  if (m === 0) return "at the onset";
  return m > 0 ? `${n} min before the onset` : `${n} min after the onset`;
}

/** The other causes, one line each. */
export function OtherCauses({ causes, view }: { causes: readonly Cause[]; view: AttributionView }) {
  if (causes.length === 0) return null;
  return (
    <section class="other-causes" aria-labelledby="other-causes-title">
      <h3 id="other-causes-title">Other causes</h3>
      <ol start={2}>
        {causes.map((c, i) => (
          <li key={i} data-testid="other-cause">
            <strong>{causeTitle(c)}</strong>{" "}
            <span class="muted">
              · {c.kind} · {percent(c.share, 0)} of the burn · confidence {percent(c.confidence, 0)}
              {c.change ? ` · after ${c.change.release ?? c.change.event_id}` : ""}
            </span>
            {c.evidence.length > 0 && (
              <details>
                <summary>{c.evidence.length === 1 ? "1 piece of evidence" : `${c.evidence.length} pieces of evidence`}</summary>
                <EvidenceList items={c.evidence} view={view} />
              </details>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Evidence items, each id a link where the app has a view of it. */
export function EvidenceList({ items, view }: { items: readonly Evidence[]; view: AttributionView }) {
  if (items.length === 0) return <p class="muted">The engine cited no evidence.</p>;
  return (
    <ul class="evidence-list">
      {items.map((e, i) => {
        const targets = e.ids.map((id) => ({ id, to: evidenceTarget(e.kind, id, view) }));
        const only = targets.length === 1 ? targets[0] : undefined;
        return (
          <li key={i} data-kind={e.kind}>
            <span class="badge">{e.kind}</span>{" "}
            {only?.to ? (
              <EvidenceLink kind={e.kind} id={only.id} to={only.to}>
                {e.summary}
              </EvidenceLink>
            ) : (
              <>
                <span>{e.summary}</span>
                {targets.length > 0 && (
                  <span class="evidence-ids">
                    {targets.map(({ id, to }) =>
                      to ? (
                        <EvidenceLink key={id} kind={e.kind} id={id} to={to} title={id}>
                          {shortId(id)}
                        </EvidenceLink>
                      ) : (
                        <code key={id} title={id}>
                          {id}
                        </code>
                      ),
                    )}
                  </span>
                )}
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function EvidenceLink({
  kind,
  id,
  to,
  title,
  children,
}: {
  kind: string;
  id: string;
  to: { href: string; runId: string | null };
  title?: string;
  children: string;
}) {
  return (
    <a
      href={to.href}
      data-testid={`evidence-${kind}`}
      data-evidence-id={id}
      data-run-id={to.runId ?? undefined}
      title={title}
    >
      {children}
    </a>
  );
}
