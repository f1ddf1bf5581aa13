import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
}));

import { CallError } from "../../ipc";
import type { Overview as OverviewData, PolicyHold } from "../../ipc";
import { answer, requests } from "../../test/engine";
import { AT, overview } from "../../test/fixtures";
import { Overview } from ".";

afterEach(() => {
  cleanup();
  call.mockReset();
});

/** The Overview with one SLO whose budget is exhausted: releases need an approval. */
function exhausted(approvals: PolicyHold["approvals"]): OverviewData {
  const base = overview();
  const slo = base.slos[0]!;
  return {
    ...base,
    slos: [
      {
        ...slo,
        policy: [
          {
            rule: "exhausted",
            effects: ["require_approval", "notify"],
            reason: "budget 0.0% <= 0%",
            since_ms: AT - 60 * 60_000,
            approvals,
          },
        ],
      },
    ],
  };
}

const approval = { release: "web-2026.02.03-fix", by: "ana", reason: "rolls back the bad cache", at_ms: AT - 5 * 60_000 };

describe("Overview policy approvals", () => {
  it("lists the releases approved since approvals were required", async () => {
    answer(call, { overview: exhausted([approval]), ui_ready: {} });
    render(<Overview />);
    const policy = await screen.findByTestId("slo-policy");
    expect(within(policy).getByText(/^Releases need an approval since/).textContent).toContain("(exhausted)");
    const item = within(policy).getByTestId("approvals").querySelector("li") as HTMLElement;
    expect(item.dataset.release).toBe("web-2026.02.03-fix");
    expect(item.textContent).toMatch(/^web-2026\.02\.03-fix approved by ana at .+: rolls back the bad cache$/);
  });

  it("approves a release from the form, checks the fields first, and reloads", async () => {
    let approved = false;
    answer(call, {
      overview: () => exhausted(approved ? [approval] : []),
      ui_ready: {},
      policy_approve: (req: { release: string }) => {
        approved = true;
        return { ...approval, release: req.release };
      },
    });
    render(<Overview />);
    expect((await screen.findByTestId("approvals-none")).textContent).toBe("No release approved since this began.");
    fireEvent.click(screen.getByTestId("approve-open"));
    fireEvent.input(screen.getByTestId("approve-release"), { target: { value: " web-2026.02.03-fix " } });
    fireEvent.click(screen.getByTestId("approve-submit"));
    expect((await screen.findByTestId("approve-error")).textContent).toBe(
      "by: an approval names the release, who approves and why",
    );
    expect(requests(call, "policy_approve")).toEqual([]);

    fireEvent.input(screen.getByTestId("approve-by"), { target: { value: "ana" } });
    fireEvent.input(screen.getByTestId("approve-reason"), { target: { value: "rolls back the bad cache" } });
    fireEvent.click(screen.getByTestId("approve-submit"));
    await waitFor(() =>
      expect(requests(call, "policy_approve")).toEqual([
        { release: "web-2026.02.03-fix", by: "ana", reason: "rolls back the bad cache" },
      ]),
    );
    await screen.findByTestId("approvals");
    expect(screen.queryByTestId("approve-form")).toBeNull();
    expect(requests(call, "overview").length).toBeGreaterThanOrEqual(2);
  });

  it("shows the engine's refusal in the form and keeps what was typed", async () => {
    answer(call, {
      overview: exhausted([]),
      ui_ready: {},
      policy_approve: () => {
        throw new CallError("database_failed", "the database is locked");
      },
    });
    render(<Overview />);
    fireEvent.click(await screen.findByTestId("approve-open"));
    for (const [id, v] of [
      ["approve-release", "r1"],
      ["approve-by", "ana"],
      ["approve-reason", "hotfix"],
    ] as const) {
      fireEvent.input(screen.getByTestId(id), { target: { value: v } });
    }
    fireEvent.click(screen.getByTestId("approve-submit"));
    expect((await screen.findByTestId("approve-error")).textContent).toBe("the database is locked");
    expect((screen.getByTestId("approve-release") as HTMLInputElement).value).toBe("r1");
  });
});
