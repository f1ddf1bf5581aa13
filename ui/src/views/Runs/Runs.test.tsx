import { cleanup, render, screen, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
}));

import { readPalette } from "../../components/EChart";
import { CallError, type SpanRow } from "../../ipc";
import { answer } from "../../test/engine";
import { runDetail } from "../../test/fixtures";
import { Runs } from ".";
import { waterfallOption } from "./waterfall";

afterEach(() => {
  cleanup();
  call.mockReset();
});

describe("the run viewer", () => {
  it("marks the failed step and shows the screenshot and console errors", async () => {
    answer(call, { run_detail: runDetail() });
    render(<Runs runId="0192f0c1-aaaa-7bbb-8ccc-123456789abc" />);
    const table = await screen.findByTestId("step-table");
    const failed = table.querySelector("tr.failed") as HTMLElement;
    expect(failed.dataset.step).toBe("1");
    expect(within(failed).getByText("fail ← failed here")).toBeTruthy();
    expect(within(failed).getByText("+800 ms")).toBeTruthy();
    expect((screen.getByRole("img", { name: "The page at step 2" }) as HTMLImageElement).src).toContain(
      "data:image/png;base64,",
    );
    expect(screen.getByText("TypeError: x is undefined")).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toContain("selector_not_found: no element matched #pay");
  });

  it("says honestly that there is no HAR and no spans for this run", async () => {
    answer(call, { run_detail: runDetail() });
    render(<Runs runId="x" />);
    expect((await screen.findByTestId("network-empty")).textContent).toContain("HAR recording is not built");
    expect(screen.getByText("No backend spans for this run")).toBeTruthy();
    expect(screen.getByText("0af7651916cd43dd8448eb211c80319c")).toBeTruthy();
  });

  it("draws the backend spans as a nested waterfall with the failing span marked", async () => {
    const span = (over: Partial<SpanRow>): SpanRow => ({
      span_id: "a1",
      parent_span_id: null,
      service: "frontend",
      name: "POST /checkout",
      offset_ms: 100,
      duration_ms: 1_600,
      error: false,
      status_message: null,
      http_status_code: 200,
      service_version: "1.8.0",
      depth: 0,
      ...over,
    });
    answer(call, {
      run_detail: runDetail({
        spans: [
          span({ error: true, http_status_code: 502, status_message: "payment answered 500" }),
          span({
            span_id: "b2",
            parent_span_id: "a1",
            service: "payment",
            name: "POST /charges",
            offset_ms: 900,
            duration_ms: 800,
            error: true,
            http_status_code: 500,
            status_message: "payment 2.4.1 internal error",
            service_version: "2.4.1",
            depth: 1,
          }),
        ],
      }),
    });
    render(<Runs runId="x" />);
    const table = await screen.findByTestId("span-waterfall");
    const rows = table.querySelectorAll<HTMLElement>("tbody tr");
    expect(rows).toHaveLength(2);
    const pay = rows[1] as HTMLElement;
    expect(pay.dataset.service).toBe("payment");
    expect(pay.className).toBe("failed");
    expect(pay.dataset.depth).toBe("1");
    expect(within(pay).getByText("500 payment 2.4.1 internal error")).toBeTruthy();
    // The payment bar starts half-way through the trace and runs to its end.
    const bar = pay.querySelector<HTMLElement>(".span-bar");
    expect(bar?.style.left).toBe("50%");
    expect(bar?.style.width).toBe("50%");
    expect(screen.getByText(/2 spans received over OTLP for this run's trace, 2 with an error/)).toBeTruthy();
  });

  it("shows the network table from a HAR artifact", async () => {
    answer(call, {
      run_detail: runDetail({
        network: {
          available: true,
          total: 2,
          problem: null,
          entries: [
            { offset_ms: 0, method: "GET", url: "http://127.0.0.1:9/", status: 200, mime_type: "text/html", size_bytes: 2048, time_ms: 42 },
            { offset_ms: 250, method: "POST", url: "http://127.0.0.1:9/api/pay", status: 504, mime_type: null, size_bytes: null, time_ms: 5000 },
          ],
        },
      }),
    });
    render(<Runs runId="x" />);
    const table = await screen.findByTestId("network-table");
    const rows = table.querySelectorAll("tbody tr");
    expect(rows).toHaveLength(2);
    expect(rows[1]?.className).toBe("failed");
    expect(within(rows[0] as HTMLElement).getByText("2.0 KiB")).toBeTruthy();
  });

  it("explains a run that cannot be found", async () => {
    call.mockRejectedValue(new CallError("not_found", "run_id: no run x is stored"));
    render(<Runs runId="x" />);
    expect((await screen.findByRole("alert")).textContent).toContain("no run x is stored");
  });
});

describe("the waterfall", () => {
  it("stacks an invisible offset under each step and colours the failed one", () => {
    const p = readPalette();
    const o = waterfallOption(
      [
        { label: "1. Open", offsetMs: 0, durationMs: 800, failed: false },
        { label: "2. Pay", offsetMs: 800, durationMs: 1600, failed: true },
      ],
      p,
    ) as { series: { data: (number | { value: number; itemStyle: { color: string } })[] }[] };
    expect(o.series[0]!.data).toEqual([0, 800]);
    const bars = o.series[1]!.data as { value: number; itemStyle: { color: string } }[];
    expect(bars[1]!.itemStyle.color).toBe(p.danger);
    expect(bars[0]!.itemStyle.color).toBe(p.accent);
  });
});
