import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
}));

import { CallError, type IncidentUpdate } from "../../ipc";
import { answer, requests } from "../../test/engine";
import { BAD_RUN, incidentDetail, incidentList, incidentSummary } from "../../test/investigate";
import { Incidents } from ".";
import { entryTarget, inTimeOrder } from "./timeline";

afterEach(() => {
  cleanup();
  call.mockReset();
});

const type = (el: HTMLElement, value: string) => {
  (el as HTMLTextAreaElement).value = value;
  fireEvent(el, new Event("input", { bubbles: true }));
};

describe("the incident list", () => {
  it("lists the unresolved incidents, and the resolved ones on request", async () => {
    answer(call, { incidents: incidentList(), ui_ready: {} });
    render(<Incidents id={null} event={null} />);
    const rows = await screen.findAllByTestId("incident-row");
    expect(rows.map((r) => r.dataset.incidentId)).toEqual(["7", "6"]);
    const first = rows[0]!;
    expect(within(first).getByText("#7").getAttribute("href")).toBe("#/incidents/7");
    expect(within(first).getByTestId("incident-state").textContent).toBe("open");
    expect(first.textContent).toContain("checkout-latency");
    expect(first.textContent).toContain("payment in us-east-1");
    expect(within(rows[1]!).getByTestId("incident-state").dataset.state).toBe("acknowledged");
    expect(rows[1]!.textContent).toContain("by ana");
    expect(requests(call, "incidents")).toEqual([{ include_resolved: false }]);

    fireEvent.click(screen.getByTestId("incidents-include-resolved"));
    await waitFor(() => expect(requests(call, "incidents")).toEqual([{ include_resolved: false }, { include_resolved: true }]));
  });

  it("says how incidents come about when there are none", async () => {
    answer(call, { incidents: { incidents: [] }, ui_ready: {} });
    render(<Incidents id={null} event={null} />);
    expect(await screen.findByText("No open incidents")).toBeTruthy();
  });
});

describe("one incident", () => {
  it("shows its state, impact, the attribution's sentence and the timeline in time order", async () => {
    answer(call, { incident_detail: incidentDetail(), ui_ready: {} });
    render(<Incidents id={7} event={null} />);
    await screen.findByTestId("incident-state-line");
    expect(screen.getByRole("heading", { level: 2 }).textContent).toContain(
      "checkout-latency burns: payment latency in us-east-1",
    );
    expect(screen.getByTestId("incident-state").textContent).toBe("open");
    expect(screen.getByTestId("incident-state-line").textContent).toMatch(/^Opened \d+ Feb, \d\d:\d\d by Sightline · SLO checkout-latency on checkout · payment in us-east-1$/);
    const impact = screen.getByTestId("incident-impact");
    expect(impact.querySelector('[data-field="bad-runs"]')?.textContent).toBe("212 of 240 runs");
    expect(impact.querySelector('[data-field="regions"]')?.textContent).toBe("us-east-1");
    expect(impact.querySelector('[data-field="duration"]')?.textContent).toBe("30 min so far");
    expect(screen.getByTestId("incident-sentence").textContent).toContain("after r42");
    expect(screen.getByTestId("incident-open-attribution").getAttribute("href")).toBe(
      "#/attribution/checkout-latency?incident=7",
    );

    const entries = screen.getAllByTestId("timeline-entry");
    expect(entries.map((e) => e.dataset.kind)).toEqual(["deploy", "first_failing_run", "alert_fired", "note"]);
    const links = entries.map((e) => e.querySelector("a")?.getAttribute("href") ?? null);
    expect(links).toEqual(["#/incidents/7?event=17", `#/runs/${BAD_RUN}`, "#/attribution/checkout-latency", null]);
    expect(entries[3]!.textContent).toContain("rolling back r42 · ana");
  });

  it("points at the timeline entry of the event an evidence link named", async () => {
    answer(call, { incident_detail: incidentDetail(), ui_ready: {} });
    render(<Incidents id={7} event="17" />);
    const entries = await screen.findAllByTestId("timeline-entry");
    expect(entries.filter((e) => e.dataset.highlighted === "true").map((e) => e.dataset.kind)).toEqual(["deploy"]);
  });

  it("acknowledges an open incident and shows it as the engine now has it", async () => {
    answer(call, {
      incident_detail: incidentDetail(),
      incident_update: incidentDetail({ incident: incidentSummary({ state: "acknowledged", state_by: "ana" }) }),
      ui_ready: {},
    });
    render(<Incidents id={7} event={null} />);
    fireEvent.click(await screen.findByTestId("incident-acknowledge"));
    await waitFor(() => expect(screen.getByTestId("incident-state").textContent).toBe("acknowledged"));
    expect(screen.getByTestId("incident-state-line").textContent).toContain("acknowledged by ana at");
    expect(requests(call, "incident_update")).toEqual([
      { id: 7, change: { action: "acknowledge" }, by: null } satisfies IncidentUpdate,
    ]);
    // Acknowledged: no second Acknowledge, still a Resolve.
    expect(screen.queryByTestId("incident-acknowledge")).toBeNull();
    expect(screen.getByTestId("incident-resolve")).toBeTruthy();
  });

  it("offers neither Acknowledge nor Resolve on a resolved incident", async () => {
    answer(call, { incident_detail: incidentDetail({ incident: incidentSummary({ state: "resolved" }) }), ui_ready: {} });
    render(<Incidents id={7} event={null} />);
    await screen.findByTestId("incident-postmortem");
    expect(screen.queryByTestId("incident-acknowledge")).toBeNull();
    expect(screen.queryByTestId("incident-resolve")).toBeNull();
  });

  it("adds a note, keeping the text when the engine refuses it", async () => {
    answer(call, {
      incident_detail: incidentDetail(),
      incident_update: () => {
        throw new CallError("write_failed", "the database is read-only");
      },
      ui_ready: {},
    });
    render(<Incidents id={7} event={null} />);
    const box = await screen.findByTestId("incident-note");
    type(box, "rolled back r42");
    fireEvent.click(screen.getByTestId("incident-add-note"));
    expect((await screen.findByTestId("incident-error")).textContent).toContain("the database is read-only");
    expect((box as HTMLTextAreaElement).value).toBe("rolled back r42");
    expect(requests(call, "incident_update")).toEqual([
      { id: 7, change: { action: "note", text: "rolled back r42" }, by: null },
    ]);

    const noted = incidentDetail();
    noted.timeline.push({ at_ms: noted.ended_ms, kind: "note", link: null, summary: "rolled back r42", by: "ana" });
    answer(call, { incident_detail: incidentDetail(), incident_update: noted, ui_ready: {} });
    fireEvent.click(screen.getByTestId("incident-add-note"));
    await waitFor(() => expect(screen.getAllByTestId("timeline-entry")).toHaveLength(5));
    expect((box as HTMLTextAreaElement).value).toBe("");
    expect(screen.queryByTestId("incident-error")).toBeNull();
  });

  it("writes the postmortem draft and shows where, with its Markdown", async () => {
    answer(call, {
      incident_detail: incidentDetail(),
      incident_postmortem: {
        files: ["reports/postmortem-7.md", "reports/postmortem-7-sli.svg"],
        markdown: "# Postmortem draft: incident 7\n\n## Impact\n",
      },
      ui_ready: {},
    });
    render(<Incidents id={7} event={null} />);
    fireEvent.click(await screen.findByTestId("incident-postmortem"));
    const files = await screen.findByTestId("postmortem-files");
    expect([...files.querySelectorAll("li")].map((l) => l.textContent)).toEqual([
      "reports/postmortem-7.md",
      "reports/postmortem-7-sli.svg",
    ]);
    const pre = screen.getByTestId("postmortem");
    expect(pre.tagName).toBe("PRE");
    expect(pre.textContent).toBe("# Postmortem draft: incident 7\n\n## Impact\n");
    expect(requests(call, "incident_postmortem")).toEqual([{ id: 7, format: "md" }]);
  });

  it("explains an incident that cannot be found", async () => {
    call.mockRejectedValue(new CallError("not_found", "id: no incident 99"));
    render(<Incidents id={99} event={null} />);
    expect((await screen.findByRole("alert")).textContent).toContain("no incident 99");
  });
});

describe("the timeline", () => {
  it("keeps the engine's order for entries at the same moment", () => {
    const e = (at_ms: number, summary: string) => ({ at_ms, kind: "note", link: null, summary, by: null });
    expect(inTimeOrder([e(2, "b"), e(1, "a"), e(2, "c")]).map((x) => x.summary)).toEqual(["a", "b", "c"]);
  });

  it("opens what each link names, and nothing for a link it does not know", () => {
    expect(entryTarget("alert:orders:0:1700000000000", 3)?.href).toBe("#/attribution/orders");
    expect(entryTarget("alert:orders/1", 3)?.href).toBe("#/attribution/orders");
    expect(entryTarget("run:r1", 3)?.href).toBe("#/runs/r1");
    expect(entryTarget("event:9", 3)?.href).toBe("#/incidents/3?event=9");
    expect(entryTarget("trace:abc", 3)).toBeNull();
    expect(entryTarget("run:", 3)).toBeNull();
    expect(entryTarget(null, 3)).toBeNull();
  });
});
