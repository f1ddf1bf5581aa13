import "./discovery.css";

import { useEffect, useRef, useState } from "preact/hooks";

import { EmptyState, Loading } from "../../components/States";
import { useDiscovery } from "../../data/discovery";
import { markReady } from "../../data/ready";
import type { DecisionMade, DiscoveryRequest } from "../../ipc";
import { CandidateDetail } from "./CandidateDetail";
import { CandidateList } from "./CandidateList";
import { emptyForm, type FormState, formOf, loadRequest, requestOf, saveRequest } from "./form";
import { RequestForm } from "./RequestForm";
import { Summary } from "./Summary";

/**
 * SLI discovery (issue 12): candidate journeys clustered from access logs,
 * HAR, OTLP spans or the stored server spans, best first, each with its
 * evidence and a proposed SLO that a person adjusts and accepts, or
 * rejects. The view reopens on the last inputs it ran in `project` (its
 * directory; null until the engine has said which), unless typing started
 * first.
 */
export function Discovery({
  project,
  recorderAvailable,
  recorderProblem,
}: {
  project: string | null;
  recorderAvailable: boolean;
  recorderProblem: string | null;
}) {
  const [form, setForm] = useState<FormState>(emptyForm);
  const [problem, setProblem] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  // Decisions made here, by candidate id: shown at once, and the files an accept wrote.
  const [made, setMade] = useState<Record<string, DecisionMade>>({});
  const [note, setNote] = useState<string | null>(null);
  const discovery = useDiscovery();
  const { shown, running, error } = discovery;
  const touched = useRef(false);
  const reopened = useRef(false);

  useEffect(() => {
    if (project === null || reopened.current) return;
    reopened.current = true;
    const saved = loadRequest(project);
    if (saved && !touched.current && discovery.running === null) {
      setForm(formOf(saved));
      discovery.run(saved);
    } else {
      markReady("discovery");
    }
  }, [project]);
  useEffect(() => {
    if (shown || error) markReady("discovery");
  }, [shown, error]);

  const edit = (update: (f: FormState) => FormState) => {
    touched.current = true;
    setForm(update);
  };
  const run = (request: DiscoveryRequest) => {
    if (project !== null) saveRequest(project, request);
    setProblem(null);
    setNote(null);
    discovery.run(request);
  };
  const onRun = () => {
    const r = requestOf(form);
    if ("problem" in r) setProblem(r.problem);
    else run(r.request);
  };
  const onIncludeRejected = (include: boolean) => {
    edit((f) => ({ ...f, includeRejected: include }));
    // Applies to the inputs on screen, not to edits not yet run.
    const base = running ?? shown?.request;
    if (base) run({ ...base, include_rejected: include });
  };
  const onDecided = (m: DecisionMade) => {
    setMade((all) => ({ ...all, [m.candidate]: m }));
    if (m.decision === "rejected" && shown) {
      const name = shown.view.discovery.candidates.find((c) => c.id === m.candidate)?.name ?? m.candidate;
      setNote(
        shown.request.include_rejected
          ? `Rejected ${name}: it stays listed here, marked, because rejected candidates are included.`
          : `Rejected ${name}: discovery no longer lists it (tick "Include rejected candidates" to see it).`,
      );
      // Run again on the same inputs, so the list is the engine's.
      discovery.run(shown.request);
    }
  };

  const engineError = error ? `${error.message} (${error.code})` : null;
  const candidates = shown ? [...shown.view.discovery.candidates].sort((a, b) => a.rank - b.rank) : [];
  const current = candidates.find((c) => c.id === selected) ?? candidates[0];
  const decisions: Record<string, string> = { ...shown?.view.decisions };
  for (const m of Object.values(made)) decisions[m.candidate] = m.decision;

  return (
    <section class="view view-discovery" aria-labelledby="discovery-title">
      <header class="view-header">
        <h2 id="discovery-title">Discovery</h2>
        <span class="muted">Which journeys deserve an SLO, from what users did</span>
      </header>
      <RequestForm
        form={form}
        onChange={edit}
        onRun={onRun}
        onIncludeRejected={onIncludeRejected}
        running={running !== null}
        error={problem ?? engineError}
      />
      {note && (
        <p class="ok" role="status" data-testid="decision-note">
          {note}
        </p>
      )}
      {shown === null && running !== null && <Loading what="candidate journeys" />}
      {shown === null && running === null && !engineError && (
        <EmptyState title="Point discovery at what users did">
          <p>
            Give it access logs (Common or Combined, nginx JSON, AWS ALB), HAR captures or OTLP JSON spans, or the
            server spans already in the store. It cuts the requests into sessions, drops bots, and clusters the
            sessions into candidate journeys, best first, each with a proposed SLO to accept or reject.
          </p>
        </EmptyState>
      )}
      {shown !== null && (
        <>
          <Summary view={shown.view} />
          {candidates.length === 0 ? (
            <EmptyState title="No candidate journeys">
              <p>
                No group of sessions was large enough to be a journey
                {shown.view.hidden_rejected > 0 ? `, or every one was rejected (${shown.view.hidden_rejected} hidden)` : ""}.
                More data, or a longer session gap, gives the clustering more to go on.
              </p>
            </EmptyState>
          ) : (
            <div class="discovery-columns">
              <section aria-labelledby="candidates-title">
                <h3 id="candidates-title">Candidates</h3>
                <CandidateList candidates={candidates} decisions={decisions} selected={current?.id ?? null} onSelect={setSelected} />
              </section>
              {current && (
                <CandidateDetail
                  c={current}
                  decision={decisions[current.id]}
                  request={shown.request}
                  made={made[current.id]}
                  recorderAvailable={recorderAvailable}
                  recorderProblem={recorderProblem}
                  onDecided={onDecided}
                />
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
