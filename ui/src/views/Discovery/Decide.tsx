// Adjust and accept, or reject. The target and threshold start at what the
// engine would write; a field left untouched is sent as null so the engine's
// own proposal is what lands in the file. The preview under them is worked
// out here from the candidate's numbers (./preview.ts says how far that goes).
import { useState } from "preact/hooks";

import { recorderWhy, RecordStatus } from "../../components/RecordStatus";
import { recordingBusy, startRecording, useRecording } from "../../data/recordings";
import { duration, percent } from "../../format";
import {
  call,
  CallError,
  type Candidate,
  type DecisionMade,
  type DiscoveryRequest,
  type RecordRequest,
  type Verdict,
} from "../../ipc";
import { href } from "../../router";
import {
  type LatencyPreview,
  percentText,
  preview,
  proposedTarget,
  proposedThreshold,
  type Spent,
  targetOf,
  thresholdOf,
} from "./preview";

function message(err: unknown): string {
  return err instanceof CallError ? `${err.message} (${err.code})` : String(err);
}

export function Decide({
  c,
  request,
  made,
  recorderAvailable,
  recorderProblem,
  onDecided,
}: {
  c: Candidate;
  request: DiscoveryRequest;
  made: DecisionMade | undefined;
  recorderAvailable: boolean;
  recorderProblem: string | null;
  onDecided: (made: DecisionMade) => void;
}) {
  const p = c.proposal;
  // null: untouched, showing (and sending) the engine's proposal.
  const [targetText, setTargetText] = useState<string | null>(null);
  const [thresholdText, setThresholdText] = useState<string | null>(null);
  const [busy, setBusy] = useState<Verdict | null>(null);
  const [error, setError] = useState<string | null>(null);

  const thresholdShown = thresholdText ?? String(proposedThreshold(p));
  const threshold = thresholdOf(thresholdShown);
  // The proposed target follows the threshold: dropping latency leaves the availability one.
  const targetShown = targetText ?? percentText(proposedTarget(p, thresholdText === null ? null : threshold));
  const target = targetOf(targetShown);
  const problem =
    target === null
      ? "target: give a percent between 0 and 100, e.g. 99.5"
      : threshold === null
        ? "threshold_ms: give whole milliseconds, 0 for availability only"
        : null;
  const shown = target !== null && threshold !== null ? preview(p, target, threshold) : null;

  const decide = async (verdict: Verdict) => {
    setBusy(verdict);
    setError(null);
    const accept = verdict === "accept";
    try {
      const m = await call("discovery_decide", {
        request,
        candidate: c.id,
        verdict,
        target: accept && targetText !== null ? target : null,
        threshold_ms: accept && thresholdText !== null ? threshold : null,
      });
      onDecided(m);
      // Accepting opens the recorder on the skeleton's first URL (the issue's
      // flow): the skeleton only has pages and requests, the recording adds
      // the clicks and fields between them.
      if (m.record && recorderAvailable) void startRecording(m.record);
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(null);
    }
  };

  const accepted = made?.decision === "accepted";
  return (
    <section class="decide" aria-labelledby="decide-title" data-testid="candidate-decide">
      <h4 id="decide-title">Adjust and accept</h4>
      <div class="decide-fields">
        <label>
          Target, %
          <input
            data-testid="candidate-target"
            inputMode="decimal"
            value={targetShown}
            aria-invalid={target === null || undefined}
            onInput={(e) => setTargetText(e.currentTarget.value)}
          />
        </label>
        <label>
          Latency threshold, ms (0: availability only)
          <input
            data-testid="candidate-threshold"
            inputMode="numeric"
            value={thresholdShown}
            aria-invalid={threshold === null || undefined}
            onInput={(e) => setThresholdText(e.currentTarget.value)}
          />
        </label>
        <div class="action-row">
          <button
            type="button"
            data-testid="candidate-accept"
            disabled={busy !== null || problem !== null || accepted}
            title={accepted ? "Accepted: its files are written" : "Write its SLO and journey skeleton into the project"}
            onClick={() => void decide("accept")}
          >
            {busy === "accept" ? "Accepting…" : "Accept"}
          </button>
          <button
            type="button"
            class="secondary"
            data-testid="candidate-reject"
            disabled={busy !== null}
            title="Hide it from discovery from now on"
            onClick={() => void decide("reject")}
          >
            {busy === "reject" ? "Rejecting…" : "Reject"}
          </button>
        </div>
      </div>
      {problem && <p class="problem small">{problem}</p>}
      {shown && (
        <div class="decision-preview" data-testid="decision-preview">
          <p class="small">
            Over this data, at {percent(shown.target)}: availability <Budget s={shown.availability} testId="preview-availability" />
          </p>
          <LatencyLine l={shown.latency} target={shown.target} c={c} />
        </div>
      )}
      {error && (
        <p class="problem" role="alert" data-testid="decision-error">
          {error}
        </p>
      )}
      {accepted && made && (
        <Written made={made} c={c} recorderAvailable={recorderAvailable} recorderProblem={recorderProblem} />
      )}
    </section>
  );
}

/** "98.50% good, spending 75.0% of the error budget", red over the whole budget. */
function Budget({ s, testId }: { s: Spent; testId: string }) {
  return (
    <span data-testid={testId} data-spent={s.spent} data-over={s.over ? "true" : "false"}>
      {percent(s.observed)} good, spending{" "}
      <strong class={s.over ? "bad" : "ok"} data-field="spent">
        {percent(s.spent, 1)}
      </strong>{" "}
      of the error budget{s.over ? " (more than all of it)" : ""}
    </span>
  );
}

function LatencyLine({ l, target, c }: { l: LatencyPreview; target: number; c: Candidate }) {
  const lat = c.proposal.latency;
  const body = (() => {
    switch (l.kind) {
      case "none":
        return <>Availability only: no latency half.</>;
      case "untimed":
        return (
          <>
            The data has no durations for <code>{c.proposal.key_step}</code>, so a {duration(l.thresholdMs)} threshold
            cannot be previewed.
          </>
        );
      case "proposed":
        return (
          <>
            under {duration(l.thresholdMs)}: <Budget s={l} testId="preview-latency-spent" />
          </>
        );
      case "other":
        return (
          <>
            The latency preview is for the proposed threshold only: under {duration(l.proposedMs)},{" "}
            <Budget s={l} testId="preview-latency-spent" /> at {percent(target)}. The share under{" "}
            {duration(l.thresholdMs)} cannot be recomputed here (the durations stay in the engine)
            {lat && `; p50 ${duration(lat.p50_ms)}, p95 ${duration(lat.p95_ms)}, p99 ${duration(lat.p99_ms)}`}.
          </>
        );
    }
  })();
  return (
    <p class="small" data-testid="preview-latency" data-kind={l.kind}>
      {l.kind === "proposed" ? <>Latency {body}</> : body}
    </p>
  );
}

/** A word the shell reads as one argument. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

function cliRecord(r: RecordRequest): string {
  const name = r.name === null ? "" : ` --name ${shellWord(r.name)}`;
  return `sightline record --url ${shellWord(r.url)} --out ${shellWord(r.file)}${name} --force`;
}

/**
 * The files an accept wrote, and the recording that fills in the skeleton:
 * started on accept when the recorder can open a browser here, its progress
 * shown below (it is the app's one recording, so one started elsewhere shows
 * here too); otherwise why not, and the command that records it elsewhere.
 */
function Written({
  made,
  c,
  recorderAvailable,
  recorderProblem,
}: {
  made: DecisionMade;
  c: Candidate;
  recorderAvailable: boolean;
  recorderProblem: string | null;
}) {
  const rec = useRecording();
  const r = made.record ?? null;
  const skeleton = r?.file ?? made.files.find((f) => f.startsWith("journeys/")) ?? `journeys/discovered/${c.name}.yaml`;
  const again = r !== null && recorderAvailable && !recordingBusy(rec) && rec.phase !== "saved";
  return (
    <>
      <div class="decision-written" role="status">
        <p class="ok small">Accepted. Written to:</p>
        <ul data-testid="decision-files">
          {made.files.map((f) => (
            <li key={f}>
              <code>{f}</code>
            </li>
          ))}
        </ul>
        <p class="muted small" data-testid="decision-next">
          {r === null ? (
            <>
              The skeleton has a step per page and request; record the clicks and form fields between them with Record
              in <a href={href({ view: "journeys", journey: null })}>Journeys</a>, which fills in the selectors.
            </>
          ) : recorderAvailable ? (
            <>
              The skeleton has a step per page and request. Record the clicks and form fields between them in the
              Chromium window opened on its first page, <code>{r.url}</code>; Stop and save replaces{" "}
              <code>{skeleton}</code> with the recording, keeping its description.
            </>
          ) : (
            <>
              The recorder cannot open a browser here: {recorderWhy(recorderProblem)}. Record the skeleton's clicks and
              form fields where it can, from the project folder: <code data-testid="decision-cli">{cliRecord(r)}</code>
              , or add them to <code>{skeleton}</code> by hand.
            </>
          )}
        </p>
      </div>
      <RecordStatus state={rec} />
      {again && (
        <button type="button" class="secondary" data-testid="decision-record" onClick={() => void startRecording(r)}>
          Record the skeleton
        </button>
      )}
    </>
  );
}
