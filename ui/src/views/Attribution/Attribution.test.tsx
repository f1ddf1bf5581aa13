import { act, cleanup, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
}));

import { publish } from "../../data/live";
import { CallError } from "../../ipc";
import { answer, requests } from "../../test/engine";
import { attributionView, BAD_RUN, report } from "../../test/investigate";
import { Attribution, LIVE_REFRESH_MS } from ".";

afterEach(() => {
  cleanup();
  call.mockReset();
  vi.useRealTimers();
});

const runsArrived = () =>
  publish({ runs: true, events: false, slos: false, project: false, at_ms: 0, newest_run_received_at_ms: 0 });

describe("the Attribution view", () => {
  it("says why in one sentence, how sure, where the report came from and how fresh it is", async () => {
    answer(call, { attribution: attributionView(), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={null} />);
    const sentence = await screen.findByTestId("attribution-sentence");
    expect(sentence.textContent).toBe(
      "checkout-latency burns because payment POST /charge got slower in us-east-1 after r42.",
    );
    expect(screen.getByTestId("attribution-confidence").textContent).toBe("87%");
    expect(screen.getByTestId("attribution-source").textContent).toBe("live");
    expect(screen.getByTestId("attribution-updated").textContent).toMatch(/^updated \d\.\d s ago$/);
    expect(requests(call, "attribution")).toEqual([{ slo: "checkout-latency", incident: null, at_ms: null }]);
  });

  it("shows the top cause with its change, and opens each piece of evidence where the app can", async () => {
    answer(call, { attribution: attributionView(), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={null} />);
    const top = await screen.findByTestId("top-cause");
    const field = (f: string) => top.querySelector(`[data-field="${f}"]`)?.textContent;
    expect(field("service")).toBe("payment");
    expect(field("operation")).toBe("POST /charge");
    expect(field("region")).toBe("us-east-1");
    expect(field("kind")).toBe("latency");
    expect(field("share")).toBe("83% of the bad runs in the window");
    expect(within(top).getByTestId("cause-change").textContent).toContain("r42");
    expect(within(top).getByTestId("cause-change").textContent).toContain("deployed 3 min before the onset");

    const run = within(top).getByTestId("evidence-run");
    expect(run.dataset.runId).toBe(BAD_RUN);
    expect(run.getAttribute("href")).toBe(`#/runs/${BAD_RUN}`);
    // A span of the blamed trace opens that trace's run; one of another trace stays text.
    const spans = within(top).getAllByTestId("evidence-span");
    expect(spans).toHaveLength(1);
    expect(spans[0]!.getAttribute("href")).toBe(`#/runs/${BAD_RUN}`);
    expect(within(top).getByText("a span of a trace not shown").tagName).toBe("SPAN");
    // A change event opens in the incident's timeline.
    expect(within(top).getByTestId("evidence-event").getAttribute("href")).toBe("#/incidents/7?event=17");
    const metric = top.querySelector('li[data-kind="metric"]') as HTMLElement;
    expect(metric.querySelector("a")).toBeNull();
    expect(metric.textContent).toContain("db.pool.usage{service=payment}");

    // The other causes, one line each.
    const others = screen.getAllByTestId("other-cause");
    expect(others).toHaveLength(1);
    expect(others[0]!.textContent).toContain("inventory");
    expect(others[0]!.textContent).toContain("confidence 31%");
  });

  it("leaves an event as text when there is no incident to show it in", async () => {
    answer(call, { attribution: attributionView({ incident: null }), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={null} />);
    const top = await screen.findByTestId("top-cause");
    expect(within(top).queryByTestId("evidence-event")).toBeNull();
    expect(within(top).getByText("deploy r42 of payment 2.4.1").tagName).toBe("SPAN");
  });

  it("puts the blamed span in its trace beside the baseline's, marked in each, with the self-time difference", async () => {
    answer(call, { attribution: attributionView(), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={null} />);
    expect((await screen.findByTestId("self-delta")).textContent).toBe("+740 ms self time");
    const bad = screen.getByTestId("blamed-bad-waterfall");
    const base = screen.getByTestId("blamed-baseline-waterfall");
    expect(bad.querySelectorAll("tbody tr")).toHaveLength(3);
    expect([...bad.querySelectorAll<HTMLElement>('tr[data-blamed="true"]')].map((r) => r.dataset.spanId)).toEqual(["pay1"]);
    expect([...base.querySelectorAll<HTMLElement>('tr[data-blamed="true"]')].map((r) => r.dataset.spanId)).toEqual(["pay2"]);
    expect(screen.getByTestId("blamed-bad-self").textContent).toBe("980 ms");
    expect(screen.getByTestId("blamed-baseline-self").textContent).toBe("240 ms");
    expect(screen.getByTestId("blamed-bad").dataset.runId).toBe(BAD_RUN);
    expect(screen.getByTestId("blamed-trace")).toBeTruthy();
  });

  it("says so when the blamed span has no baseline", async () => {
    const v = attributionView();
    answer(call, {
      attribution: attributionView({ blamed: { ...v.blamed!, baseline: null, self_delta_ms: null } }),
      ui_ready: {},
    });
    render(<Attribution slo="checkout-latency" incident={null} />);
    expect((await screen.findByTestId("blamed-baseline-missing")).textContent).toContain("nothing to compare");
    expect(screen.queryByTestId("self-delta")).toBeNull();
  });

  it("draws a small chart per leading indicator and lists the red herrings", async () => {
    answer(call, { attribution: attributionView(), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={null} />);
    const grid = await screen.findByTestId("indicators");
    const charts = within(grid).getAllByTestId("indicator");
    expect(charts.map((c) => c.dataset.series)).toEqual([
      "db.pool.usage{service=payment,region=us-east-1}",
      "duration{service=payment}",
    ]);
    expect(charts[0]!.textContent).toContain("moved 4 min before the SLI");
    expect(charts[0]!.textContent).toContain("the payment pool's usage rose to 100%");
    const herrings = screen.getByTestId("red-herrings");
    expect(herrings.textContent).toContain("process.cpu.utilization{service=search}");
    expect(herrings.textContent).toContain("search in eu-west-1");
    expect(herrings.textContent).toContain("moved in a region whose runs stayed good");
    // The burn chart's layers in words, the rest marked as such.
    expect(screen.getByTestId("burn-chart").dataset.layers).toBe("3");
    const layers = screen.getByTestId("burn-layers").querySelectorAll("li");
    expect(layers).toHaveLength(3);
    expect(layers[2]!.dataset.other).toBe("true");
  });

  it("explains what it could not chart", async () => {
    answer(call, {
      attribution: attributionView({ chart: null, indicators: [], problems: ["charts: no runs of checkout are stored"] }),
      ui_ready: {},
    });
    render(<Attribution slo="checkout-latency" incident={null} />);
    expect((await screen.findByTestId("no-chart")).textContent).toContain("no runs of checkout are stored");
    expect(screen.queryByTestId("sli-chart")).toBeNull();
  });

  it("asks for the incident's snapshot when opened from an incident", async () => {
    answer(call, { attribution: attributionView({ source: "incident", firing: false }), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={7} />);
    expect((await screen.findByTestId("attribution-source")).textContent).toBe("incident snapshot");
    expect(requests(call, "attribution")).toEqual([{ slo: "checkout-latency", incident: 7, at_ms: null }]);
  });

  it("says when no cause was found", async () => {
    answer(call, { attribution: attributionView({ report: report({ causes: [] }), blamed: null }), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={null} />);
    expect(await screen.findByText("No cause found")).toBeTruthy();
    expect(screen.queryByTestId("attribution-confidence")).toBeNull();
  });

  it("shows the engine's error and retries", async () => {
    call.mockRejectedValue(new CallError("not_found", 'slo: no SLO named "x" in slos'));
    render(<Attribution slo="x" incident={null} />);
    expect((await screen.findByRole("alert")).textContent).toContain('no SLO named "x"');
  });
});

describe("the Attribution view, live", () => {
  it("counts the seconds since the report was put together", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    answer(call, { attribution: attributionView({ at_ms: Date.now() - 5_000 }), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={null} />);
    const updated = await screen.findByTestId("attribution-updated");
    expect(updated.textContent).toMatch(/^updated 5\.\d s ago$/);
    // Half a tick more than three: the ticker starts in an effect, which may
    // run after the text is found, so exactly 3 s could end just short of
    // its third tick.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3_500);
    });
    expect(updated.textContent).toMatch(/^updated 8\.\d s ago$/);
  });

  it("counts from the answer's arrival when the engine answers for a fixed moment", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    answer(call, { attribution: attributionView({ at_ms: Date.now() - 3 * 86_400_000, firing: false }), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={null} />);
    const updated = await screen.findByTestId("attribution-updated");
    expect(screen.getByTestId("attribution-as-of").textContent).toMatch(/^as of /);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2_500);
    });
    expect(updated.textContent).toMatch(/^updated 2\.\d s ago$/);
  });

  it("refetches as runs arrive while the alert fires, at most once every 15 s, keeping the report on screen", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    answer(call, { attribution: attributionView(), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={null} />);
    await screen.findByTestId("attribution-sentence");
    expect(LIVE_REFRESH_MS).toBe(15_000);

    answer(call, {
      attribution: attributionView({ report: report({ sentence: "now it is the database" }) }),
      ui_ready: {},
    });
    // Runs arrive a second after the first answer: the refetch waits for the interval.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1_000);
    });
    runsArrived();
    runsArrived();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(4_000);
    });
    expect(requests(call, "attribution")).toHaveLength(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10_000);
    });
    expect(requests(call, "attribution")).toHaveLength(2);
    // The old sentence stays until the new one replaces it; nothing loads in between.
    expect(screen.queryByText(/Loading the attribution/)).toBeNull();
    await waitFor(() => expect(screen.getByTestId("attribution-sentence").textContent).toBe("now it is the database"));

    // Long after the last call, runs refetch at once.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(LIVE_REFRESH_MS);
    });
    runsArrived();
    await waitFor(() => expect(requests(call, "attribution")).toHaveLength(3));
  });

  it("does not follow runs once the alert no longer fires", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    answer(call, { attribution: attributionView({ firing: false, source: "alert" }), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={null} />);
    await screen.findByTestId("attribution-sentence");
    runsArrived();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(LIVE_REFRESH_MS * 2);
    });
    expect(requests(call, "attribution")).toHaveLength(1);
  });

  it("keeps the report when a live refresh fails, and says so", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    answer(call, { attribution: attributionView(), ui_ready: {} });
    render(<Attribution slo="checkout-latency" incident={null} />);
    await screen.findByTestId("attribution-sentence");
    call.mockRejectedValue(new CallError("busy", "the database is locked"));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(LIVE_REFRESH_MS);
    });
    runsArrived();
    expect((await screen.findByTestId("attribution-refresh-error")).textContent).toContain("the database is locked");
    expect(screen.getByTestId("attribution-sentence").textContent).toContain("payment POST /charge");
  });
});
