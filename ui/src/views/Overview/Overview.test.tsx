import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
}));

import { publish } from "../../data/live";
import { CallError } from "../../ipc";
import { AppShell } from "../../shell/AppShell";
import { answer, requests } from "../../test/engine";
import { askAnswer, overview } from "../../test/fixtures";
import { Overview } from ".";
import { burnDownOption, burnRateOption } from "./charts";
import { readPalette } from "../../components/EChart";

afterEach(() => {
  cleanup();
  call.mockReset();
});

const metric = (card: HTMLElement, name: string) =>
  card.querySelector(`[data-metric="${name}"]`) as HTMLElement;

describe("Overview", () => {
  it("shows each SLO's numbers formatted for people, and the firing alert first", async () => {
    answer(call, { overview: overview(), ui_ready: {} });
    render(<Overview />);
    const card = (await screen.findByText("checkout-availability", { selector: "a" })).closest(
      "article",
    ) as HTMLElement;
    expect(metric(card, "sli").textContent).toBe("99.40%");
    expect(metric(card, "sli").dataset.value).toBe("0.99404");
    expect(metric(card, "budget").textContent).toBe("41.00%");
    expect(metric(card, "burn-1h").textContent).toBe("25.0×");
    expect(metric(card, "burn-6h").textContent).toBe("4.31×");
    expect(metric(card, "burn-3d").textContent).toBe("0.59×");
    expect(metric(card, "alert").textContent).toBe("firing");
    expect(metric(card, "exhaustion").textContent).toBe("budget exhausted in 2 d 4 h");
    const eu = within(card).getByText("eu-west-1").closest("tr") as HTMLElement;
    expect(metric(eu, "region-sli").textContent).toBe("98.85%");
    expect(metric(eu, "region-sli").className).toBe("bad");

    // The error-budget policy's state: releases frozen since the page fired.
    const policy = within(card).getByTestId("slo-policy");
    expect(policy.textContent).toMatch(/^Releases frozen since \d\d:\d\d:\d\d: page alert \(1h\/5m\) firing for 12m \(fast-burn\)$/);
    expect(policy.querySelector("li")?.className).toBe("policy-block");

    const banner = screen.getByRole("alert");
    expect(banner.textContent).toContain("1 alert firing");
    expect(banner.textContent).toContain("checkout-availability: burning 25.0× the budget over 1h");
    const why = within(banner).getByTestId("open-attribution");
    expect(why.textContent).toBe("Why?");
    expect(why.dataset.slo).toBe("checkout-availability");
    expect(why.getAttribute("href")).toBe("#/attribution/checkout-availability");
    // The banner comes before the cards.
    expect(banner.compareDocumentPosition(card) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    await waitFor(() => expect(requests(call, "ui_ready")).toEqual([{ view: "overview" }]));
  });

  it("suggests questions about the firing alert that open the question box and ask", async () => {
    answer(call, {
      overview: overview(),
      ui_ready: {},
      ask: (req: { question: string }) => askAnswer({ question: req.question, answer: "orders burn in us-east-1" }),
    });
    render(
      <AppShell appInfo={{ state: "loading" }} current="overview">
        <Overview />
      </AppShell>,
    );
    const suggestions = await screen.findByTestId("firing-questions");
    const buttons = within(suggestions).getAllByRole("button");
    expect(buttons.map((b) => b.textContent)).toEqual([
      "why is checkout-availability burning?",
      "did the last deploy cause this?",
    ]);
    expect(screen.queryByRole("dialog")).toBeNull();

    fireEvent.click(buttons[0]!);
    const dialog = screen.getByRole("dialog", { name: "Ask Sightline" });
    expect((within(dialog).getByLabelText("Question") as HTMLInputElement).value).toBe(
      "why is checkout-availability burning?",
    );
    expect(requests(call, "ask")).toEqual([
      { question: "why is checkout-availability burning?", at_ms: null, incident: null },
    ]);
    expect((await within(dialog).findByTestId("ask-text")).textContent).toBe("orders burn in us-east-1");
  });

  it("suggests no questions when nothing fires", async () => {
    answer(call, { overview: overview({ firing: [] }), ui_ready: {} });
    render(<Overview />);
    await screen.findByText("99.40%");
    expect(screen.queryByTestId("firing-questions")).toBeNull();
  });

  it("refetches when the engine says runs changed, keeping the numbers on screen", async () => {
    answer(call, { overview: overview(), ui_ready: {} });
    render(<Overview />);
    await screen.findByText("99.40%");
    answer(call, {
      overview: overview({ firing: [] }),
      ui_ready: {},
    });
    publish({ runs: true, events: false, slos: false, project: false, at_ms: 0, newest_run_received_at_ms: 0 });
    expect(screen.getByText("99.40%")).toBeTruthy();
    await waitFor(() => expect(screen.queryByText("1 alert firing")).toBeNull());
    expect(requests(call, "overview")).toHaveLength(2);
  });

  it("says what to do when there are no SLOs", async () => {
    answer(call, { overview: overview({ slos: [], firing: [], slos_dir_exists: false }), ui_ready: {} });
    render(<Overview />);
    expect((await screen.findByText("No SLOs yet")).tagName).toBe("H2");
    expect(screen.getByRole("link", { name: "SLO editor" }).getAttribute("href")).toBe("#/slos/new");
  });

  it("shows the engine's error with its code and retries on request", async () => {
    const refusal = new CallError("bad_input", "slos/x.yaml: document 0: target: 2 is out of range");
    call.mockImplementation(async (name: string) => {
      if (name === "overview") throw refusal;
      return {};
    });
    render(<Overview />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("slos/x.yaml");
    expect(alert.textContent).toContain("bad_input");
    answer(call, { overview: overview(), ui_ready: {} });
    fireEvent.click(screen.getByText("Try again"));
    expect(await screen.findByText("99.40%")).toBeTruthy();
  });
});

describe("SLO chart options", () => {
  it("put deploy markers on both time charts and page thresholds on the burn chart", () => {
    const o = overview();
    const slo = o.slos[0]!;
    const p = readPalette();
    const bd = burnDownOption(slo.burn_down, o.deploys, p) as { series: { markLine: { data: unknown[] } }[] };
    expect(bd.series[0]!.markLine.data).toHaveLength(1);
    const br = burnRateOption(slo.burn_rates, slo.status.alerts, o.deploys, p) as {
      series: { name: string; markLine?: { data: { yAxis?: number; xAxis?: number }[] } }[];
    };
    expect(br.series.map((s) => s.name)).toEqual(["1h", "6h", "3d"]);
    const marks = br.series[0]!.markLine!.data;
    expect(marks.some((m) => m.xAxis === o.deploys[0]!.at_ms)).toBe(true);
    expect(marks.some((m) => m.yAxis === 3.36)).toBe(true);
  });
});
