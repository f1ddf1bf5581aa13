import { useState } from "preact/hooks";

import { moment, timeOfDay } from "../../format";
import { call, CallError, type PolicyHold, type ReleaseApproval } from "../../ipc";

/** "Releases frozen since 10:42: budget 7% < 10%", from a policy rule that holds. */
export function policyLine(h: PolicyHold): string {
  const since = h.since_ms === null ? "" : ` since ${timeOfDay(h.since_ms)}`;
  const what = h.effects.includes("block")
    ? "Releases frozen"
    : h.effects.includes("require_approval")
      ? "Releases need an approval"
      : `Policy ${h.rule} holds`;
  return `${what}${since}: ${h.reason} (${h.rule})`;
}

/**
 * The error-budget policy's rules that hold for one SLO. A rule that
 * requires approval lists the releases approved since it began to hold and
 * offers the form `sightline policy approve` is on the command line.
 */
export function PolicyHolds({ holds, onApproved }: { holds: readonly PolicyHold[]; onApproved: () => void }) {
  return (
    <ul class="slo-policy" data-testid="slo-policy">
      {holds.map((h) => (
        <li key={h.rule} data-rule={h.rule} class={h.effects.includes("block") ? "policy-block" : undefined}>
          <span class="policy-line">{policyLine(h)}</span>
          {h.effects.includes("require_approval") && <Approvals hold={h} onApproved={onApproved} />}
        </li>
      ))}
    </ul>
  );
}

function Approvals({ hold, onApproved }: { hold: PolicyHold; onApproved: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="policy-approvals">
      {hold.approvals.length === 0 ? (
        <p class="muted small" data-testid="approvals-none">
          No release approved since this began.
        </p>
      ) : (
        <ul data-testid="approvals">
          {hold.approvals.map((a) => (
            <li key={`${a.release}@${a.at_ms}`} data-release={a.release}>
              <ApprovalText a={a} />
            </li>
          ))}
        </ul>
      )}
      {open ? (
        <ApproveForm
          onDone={(ok) => {
            setOpen(false);
            if (ok) onApproved();
          }}
        />
      ) : (
        <button type="button" class="small" data-testid="approve-open" onClick={() => setOpen(true)}>
          Approve a release…
        </button>
      )}
    </div>
  );
}

function ApprovalText({ a }: { a: ReleaseApproval }) {
  return (
    <>
      <code>{a.release}</code> approved by {a.by} at {moment(a.at_ms)}: {a.reason}
    </>
  );
}

function ApproveForm({ onDone }: { onDone: (approved: boolean) => void }) {
  const [release, setRelease] = useState("");
  const [by, setBy] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const fields: [string, string][] = [
      ["release", release],
      ["by", by],
      ["reason", reason],
    ];
    const missing = fields.find(([, v]) => v.trim() === "");
    if (missing) {
      setError(`${missing[0]}: an approval names the release, who approves and why`);
      return;
    }
    setSaving(true);
    try {
      await call("policy_approve", { release: release.trim(), by: by.trim(), reason: reason.trim() });
      onDone(true);
    } catch (err) {
      setError(err instanceof CallError ? err.message : String(err));
      setSaving(false);
    }
  };

  return (
    <form class="approve-form" data-testid="approve-form" onSubmit={submit}>
      <label>
        Release
        <input
          data-testid="approve-release"
          value={release}
          placeholder="the id the pipeline passes to sightline gate --release"
          onInput={(e) => setRelease(e.currentTarget.value)}
        />
      </label>
      <label>
        By
        <input data-testid="approve-by" value={by} onInput={(e) => setBy(e.currentTarget.value)} />
      </label>
      <label>
        Reason
        <input data-testid="approve-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      {error !== null && (
        <p class="error small" role="alert" data-testid="approve-error">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" data-testid="approve-submit" disabled={saving}>
          {saving ? "Approving…" : "Approve"}
        </button>
        <button type="button" onClick={() => onDone(false)} disabled={saving}>
          Cancel
        </button>
      </div>
    </form>
  );
}
