import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
const stream = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
  stream,
}));

import { CallError, type DiscoveryDecision, type DiscoveryRequest } from "../../ipc";
import { CHECKOUT_ID, checkout, checkoutAccepted, discoveryRequest, discoveryView, PRODUCT_ID, product, SEARCH_ID, search } from "../../test/discovery";
import { answer, requests } from "../../test/engine";
import { Discovery } from ".";
import { loadRequest, saveRequest, storageKey } from "./form";

const PROJECT = "/home/ana/shop";

beforeEach(() => localStorage.removeItem(storageKey(PROJECT)));
afterEach(() => {
  cleanup();
  call.mockReset();
  stream.mockReset();
});

const type = (el: HTMLElement, value: string) => {
  (el as HTMLInputElement).value = value;
  fireEvent(el, new Event("input", { bubbles: true }));
};

// A select fires `change` in the browser; the library's fireEvent.change sends
// `input` once preact/compat is loaded (EChart's memo), so send the real one.
const choose = (el: HTMLElement, value: string) => {
  (el as HTMLSelectElement).value = value;
  fireEvent(el, new Event("change", { bubbles: true }));
};

/** Fills the form with one log and runs it. */
async function discover(files = "logs/access.log", recorderProblem: string | null = null) {
  render(<Discovery project={PROJECT} recorderAvailable={false} recorderProblem={recorderProblem} />);
  type(screen.getByTestId("discovery-files"), files);
  fireEvent.click(screen.getByTestId("discovery-run"));
  return screen.findAllByTestId("candidate");
}

describe("the request", () => {
  it("sends the files by line, the format, the store's hours and the weights, and remembers them", async () => {
    answer(call, { discovery: discoveryView(), ui_ready: {} });
    render(<Discovery project={PROJECT} recorderAvailable={false} recorderProblem={null} />);
    // Nothing is read until asked.
    expect(screen.getByText("Point discovery at what users did")).toBeTruthy();
    expect(requests(call, "discovery")).toEqual([]);
    type(screen.getByTestId("discovery-files"), "logs/access.log\n\n  /var/log/nginx/old.log.gz  \n");
    choose(screen.getByTestId("discovery-format"), "combined");
    fireEvent.click(screen.getByTestId("discovery-store"));
    type(screen.getByTestId("discovery-store-hours"), "6");
    type(screen.getByTestId("discovery-weights"), "POST /checkout=3\n/signup=2");
    fireEvent.click(screen.getByTestId("discovery-run"));
    await screen.findAllByTestId("candidate");
    const sent: DiscoveryRequest = discoveryRequest({
      files: ["logs/access.log", "/var/log/nginx/old.log.gz"],
      format: "combined",
      store_hours: 6,
      weights: ["POST /checkout=3", "/signup=2"],
    });
    expect(requests(call, "discovery")).toEqual([sent]);
    expect(loadRequest(PROJECT)).toEqual(sent);
    // Another project has inputs of its own.
    expect(loadRequest("/home/ana/other")).toBeNull();
  });

  it("reopens on the project's last request once the project is known, and runs it", async () => {
    const last = discoveryRequest({ files: ["a.log", "b.log"], weights: ["/x=2"] });
    saveRequest(PROJECT, last);
    answer(call, { discovery: discoveryView(), ui_ready: {} });
    const { rerender } = render(<Discovery project={null} recorderAvailable={false} recorderProblem={null} />);
    expect((screen.getByTestId("discovery-files") as HTMLTextAreaElement).value).toBe("");
    rerender(<Discovery project={PROJECT} recorderAvailable={false} recorderProblem={null} />);
    await waitFor(() => expect((screen.getByTestId("discovery-files") as HTMLTextAreaElement).value).toBe("a.log\nb.log"));
    expect((screen.getByTestId("discovery-weights") as HTMLTextAreaElement).value).toBe("/x=2");
    await screen.findAllByTestId("candidate");
    expect(requests(call, "discovery")).toEqual([last]);
  });

  it("keeps what was typed before the project was known over the saved request", async () => {
    saveRequest(PROJECT, discoveryRequest({ files: ["old.log"] }));
    answer(call, { discovery: discoveryView(), ui_ready: {} });
    const { rerender } = render(<Discovery project={null} recorderAvailable={false} recorderProblem={null} />);
    type(screen.getByTestId("discovery-files"), "new.log");
    rerender(<Discovery project={PROJECT} recorderAvailable={false} recorderProblem={null} />);
    await waitFor(() => expect(screen.getByText("Point discovery at what users did")).toBeTruthy());
    expect((screen.getByTestId("discovery-files") as HTMLTextAreaElement).value).toBe("new.log");
    expect(requests(call, "discovery")).toEqual([]);
  });

  it("keeps what was typed when the form or the engine refuses it, and says why", async () => {
    answer(call, {
      discovery: () => {
        throw new CallError("not_found", "files: /p/logs/acces.log is not a file");
      },
      ui_ready: {},
    });
    render(<Discovery project={PROJECT} recorderAvailable={false} recorderProblem={null} />);
    fireEvent.click(screen.getByTestId("discovery-run"));
    expect((await screen.findByTestId("discovery-error")).textContent).toMatch(/^files: give the files to read/);
    expect(requests(call, "discovery")).toEqual([]);

    const files = screen.getByTestId("discovery-files") as HTMLTextAreaElement;
    type(files, "logs/acces.log");
    type(screen.getByTestId("discovery-weights"), "POST /checkout=3");
    fireEvent.click(screen.getByTestId("discovery-run"));
    await waitFor(() => expect(screen.getByTestId("discovery-error").textContent).toContain("/p/logs/acces.log is not a file (not_found)"));
    expect(files.value).toBe("logs/acces.log");
    expect(files.getAttribute("aria-invalid")).toBe("true");
    expect((screen.getByTestId("discovery-weights") as HTMLTextAreaElement).value).toBe("POST /checkout=3");
  });
});

describe("more options", () => {
  const more = () => screen.getByTestId("discovery-more") as HTMLDetailsElement;

  it("sends the base URL, the session gap and the field map as typed, and remembers them", async () => {
    answer(call, { discovery: discoveryView(), ui_ready: {} });
    render(<Discovery project={PROJECT} recorderAvailable={false} recorderProblem={null} />);
    // Shut until used, every field in it enabled whatever the format.
    expect(more().open).toBe(false);
    expect(within(more()).getByText("More options")).toBeTruthy();
    expect((screen.getByTestId("discovery-fields") as HTMLTextAreaElement).disabled).toBe(false);
    expect(screen.getByTestId("discovery-fields-hint").textContent).toMatch(/only for nginx JSON logs/i);
    type(screen.getByTestId("discovery-files"), "logs/access.json");
    choose(screen.getByTestId("discovery-format"), "nginx-json");
    type(screen.getByTestId("discovery-base-url"), "  https://shop.example.com  ");
    type(screen.getByTestId("discovery-gap"), " 45 ");
    type(screen.getByTestId("discovery-fields"), "path=request_path\n\n duration_s=upstream_time,request_time \n");
    fireEvent.click(screen.getByTestId("discovery-run"));
    await screen.findAllByTestId("candidate");
    const sent = discoveryRequest({
      files: ["logs/access.json"],
      format: "nginx-json",
      base_url: "https://shop.example.com",
      gap_minutes: 45,
      fields: ["path=request_path", "duration_s=upstream_time,request_time"],
    });
    expect(requests(call, "discovery")).toEqual([sent]);
    expect(loadRequest(PROJECT)).toEqual(sent);
  });

  it("reopens on them, shown open", async () => {
    const last = discoveryRequest({ base_url: "http://shop.test:3000", gap_minutes: 10, fields: ["time=ts", "user=uid"] });
    saveRequest(PROJECT, last);
    answer(call, { discovery: discoveryView(), ui_ready: {} });
    render(<Discovery project={PROJECT} recorderAvailable={false} recorderProblem={null} />);
    await waitFor(() => expect((screen.getByTestId("discovery-base-url") as HTMLInputElement).value).toBe("http://shop.test:3000"));
    expect((screen.getByTestId("discovery-gap") as HTMLInputElement).value).toBe("10");
    expect((screen.getByTestId("discovery-fields") as HTMLTextAreaElement).value).toBe("time=ts\nuser=uid");
    await waitFor(() => expect(more().open).toBe(true));
    await screen.findAllByTestId("candidate");
    expect(requests(call, "discovery")).toEqual([last]);
  });

  it("sends the engine's defaults when they are left blank", async () => {
    answer(call, { discovery: discoveryView(), ui_ready: {} });
    render(<Discovery project={PROJECT} recorderAvailable={false} recorderProblem={null} />);
    type(screen.getByTestId("discovery-files"), "logs/access.log");
    type(screen.getByTestId("discovery-base-url"), "   ");
    type(screen.getByTestId("discovery-gap"), " ");
    type(screen.getByTestId("discovery-fields"), "\n  \n");
    fireEvent.click(screen.getByTestId("discovery-run"));
    await screen.findAllByTestId("candidate");
    const [sent] = requests(call, "discovery") as DiscoveryRequest[];
    expect(sent).toEqual(discoveryRequest());
    expect(sent?.base_url).toBeNull();
    expect(sent?.gap_minutes).toBeNull();
    expect(sent?.fields).toEqual([]);
  });

  it.each([
    ["discovery-base-url", "shop.example.com", /^base_url: "shop\.example\.com" is not an http\(s\) URL/],
    ["discovery-base-url", "ftp://files.example.com", /^base_url: "ftp:\/\/files\.example\.com" is not an http\(s\) URL/],
    ["discovery-gap", "0", /^gap_minutes: "0" is not a whole number of minutes, 1 or more/],
    ["discovery-gap", "1.5", /^gap_minutes: "1\.5" is not a whole number/],
    ["discovery-gap", "-30", /^gap_minutes: "-30" is not a whole number/],
    ["discovery-fields", "path", /^fields: "path" is not FIELD=KEY\[,KEY\.\.\.\] with FIELD one of time, method, path/],
    ["discovery-fields", "uri=request_uri", /^fields: "uri=request_uri" is not FIELD=KEY/],
    ["discovery-fields", "path=", /^fields: "path=" is not FIELD=KEY/],
  ])("refuses %s %j, says why next to it and sends nothing", async (testid, value, message) => {
    answer(call, { discovery: discoveryView(), ui_ready: {} });
    render(<Discovery project={PROJECT} recorderAvailable={false} recorderProblem={null} />);
    type(screen.getByTestId("discovery-files"), "logs/access.log");
    const field = screen.getByTestId(testid) as HTMLInputElement;
    type(field, value);
    fireEvent.click(screen.getByTestId("discovery-run"));
    const error = await screen.findByTestId("discovery-error");
    expect(error.textContent).toMatch(message);
    expect(requests(call, "discovery")).toEqual([]);
    expect(loadRequest(PROJECT)).toBeNull();
    // The field is marked and points at the message; what was typed stays.
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(field.getAttribute("aria-describedby")?.split(" ")).toContain(error.id);
    expect(field.value).toBe(value);
    expect(more().open).toBe(true);
  });

  it("opens on the engine's refusal of a field map, and marks it", async () => {
    answer(call, {
      discovery: () => {
        throw new CallError("invalid_request", '--field "path": expected FIELD=KEY[,KEY...]');
      },
      ui_ready: {},
    });
    render(<Discovery project={PROJECT} recorderAvailable={false} recorderProblem={null} />);
    type(screen.getByTestId("discovery-files"), "logs/access.log");
    fireEvent.click(screen.getByTestId("discovery-run"));
    await waitFor(() => expect(screen.getByTestId("discovery-error").textContent).toContain('--field "path"'));
    expect(screen.getByTestId("discovery-fields").getAttribute("aria-invalid")).toBe("true");
    expect(more().open).toBe(true);
  });
});

describe("the results", () => {
  it("reports each input, the sessions, and the top paths as an acyclic Sankey", async () => {
    answer(call, { discovery: discoveryView(), ui_ready: {} });
    await discover();
    const input = screen.getByTestId("discovery-input");
    expect(input.dataset.file).toBe("logs/access.log");
    expect(input.dataset.format).toBe("combined");
    expect(input.textContent).toContain("1,204");
    expect(input.querySelector('[data-field="bad"]')?.textContent).toBe("3 bad lines; first: line 17: no closing quote in the request");
    const summary = screen.getByTestId("discovery-summary");
    expect(summary.querySelector('[data-field="sessions"]')?.textContent).toBe("300 human sessions: 240 in candidates (80.0%), 60 noise");
    expect(summary.querySelector('[data-field="bots"]')?.textContent).toContain("10 sessions dropped: 7 by user agent, 2 read robots.txt");
    expect(summary.querySelector('[data-field="set-aside"]')?.textContent).toContain("640 asset requests, 55 health checks");
    expect(screen.getByTestId("discovery-sankey").dataset.links).toBe("6");
  });

  it("ranks the candidates best first, each score read out by its parts", async () => {
    answer(call, { discovery: discoveryView({ decisions: { [SEARCH_ID]: "accepted" } }), ui_ready: {} });
    const rows = await discover();
    expect(rows.map((r) => [r.dataset.candidateId, r.dataset.rank])).toEqual([
      [CHECKOUT_ID, "1"],
      [SEARCH_ID, "2"],
      [PRODUCT_ID, "3"],
    ]);
    const first = rows[0]!;
    expect(within(first).getByTestId("candidate-score").textContent).toBe(
      "score 1.800 = 3 × (0.400 traffic + 2 × 0.050 failure + 0.100 latency)",
    );
    expect(first.querySelector('[data-field="sessions"]')?.textContent).toBe("120 sessions");
    expect(first.querySelector('[data-field="coverage"]')?.textContent).toBe("40.0% of sessions");
    expect(first.querySelector('[data-field="users-per-day"]')?.textContent).toBe("38.5 users/day");
    expect(first.textContent).toContain("60 completed · 15 failed · 30 slow");
    expect(within(rows[1]!).getByTestId("candidate-decision").dataset.decision).toBe("accepted");
    expect(within(first).queryByTestId("candidate-decision")).toBeNull();
  });

  it("opens the first candidate, and another on click: funnel, examples, proposal, skeleton", async () => {
    answer(call, { discovery: discoveryView(), ui_ready: {} });
    const rows = await discover();
    expect(screen.getByTestId("candidate-detail").dataset.candidateId).toBe(CHECKOUT_ID);
    expect(rows[0]!.getAttribute("aria-current")).toBe("true");
    const steps = within(screen.getByTestId("candidate-funnel")).getAllByTestId("funnel-step");
    expect(steps.map((s) => s.dataset.reached)).toEqual(["120", "110", "80", "60"]);
    expect(steps[1]!.textContent).toContain("2. GET /product/:id");
    expect(screen.getByTestId("candidate-examples").textContent).toContain("/product/17");
    const proposal = screen.getByTestId("candidate-proposal");
    expect(proposal.querySelector('[data-field="key-step"]')?.textContent).toBe("POST /checkout");
    expect(proposal.querySelector('[data-field="availability"]')?.textContent).toContain("98.50% answered without a 5xx (197 of 200); proposed target 98.00%");
    expect(proposal.querySelector('[data-field="latency"]')?.textContent).toContain("threshold 500 ms (p50 120 ms, p95 430 ms, p99 800 ms)");
    const pre = screen.getByTestId("candidate-skeleton");
    expect(pre.tagName).toBe("PRE");
    expect(pre.textContent).toBe(checkout().skeleton);

    fireEvent.click(within(rows[2]!).getByRole("button"));
    await waitFor(() => expect(screen.getByTestId("candidate-detail").dataset.candidateId).toBe(PRODUCT_ID));
    expect(screen.getByTestId("candidate-proposal").textContent).toContain("availability only");
    expect(screen.getByTestId("candidate-latency").dataset.timed).toBe("false");
  });
});

describe("deciding", () => {
  it("previews an adjusted target live: the budget the data spent, red over all of it", async () => {
    answer(call, { discovery: discoveryView(), ui_ready: {} });
    await discover();
    // The proposal: the lower of the two targets, the latency threshold.
    const target = screen.getByTestId("candidate-target") as HTMLInputElement;
    const threshold = screen.getByTestId("candidate-threshold") as HTMLInputElement;
    expect(target.value).toBe("95");
    expect(threshold.value).toBe("500");
    const spent = () => screen.getByTestId("preview-availability");
    expect(Number(spent().dataset.spent)).toBeCloseTo(0.3, 10);
    expect(spent().textContent).toContain("spending 30.0% of the error budget");
    expect(screen.getByTestId("preview-latency").dataset.kind).toBe("proposed");
    expect(screen.getByTestId("preview-latency").textContent).toContain("80.0%");

    type(target, "99");
    await waitFor(() => expect(spent().dataset.over).toBe("true"));
    expect(spent().textContent).toContain("150.0%");
    expect(spent().querySelector('[data-field="spent"]')?.classList.contains("bad")).toBe(true);

    type(threshold, "800");
    await waitFor(() => expect(screen.getByTestId("preview-latency").dataset.kind).toBe("other"));
    expect(screen.getByTestId("preview-latency").textContent).toContain("The latency preview is for the proposed threshold only: under 500 ms");

    type(threshold, "0");
    await waitFor(() => expect(screen.getByTestId("preview-latency").dataset.kind).toBe("none"));
    type(target, "100");
    await waitFor(() => expect((screen.getByTestId("candidate-accept") as HTMLButtonElement).disabled).toBe(true));
  });

  it("follows the threshold with the proposed target while the target is untouched", async () => {
    answer(call, { discovery: discoveryView(), ui_ready: {} });
    await discover();
    type(screen.getByTestId("candidate-threshold"), "0");
    await waitFor(() => expect((screen.getByTestId("candidate-target") as HTMLInputElement).value).toBe("98"));
  });

  it("accepts with the adjusted target and threshold, on the request the view used, and shows the files", async () => {
    answer(call, { discovery: discoveryView(), discovery_decide: checkoutAccepted(), ui_ready: {} });
    await discover("logs/access.log", "no display to show the browser on (DISPLAY is unset)");
    // An edit not yet run does not change the inputs the candidate came from.
    type(screen.getByTestId("discovery-files"), "other.log");
    type(screen.getByTestId("candidate-target"), "99.5");
    type(screen.getByTestId("candidate-threshold"), "750");
    fireEvent.click(screen.getByTestId("candidate-accept"));
    const files = await screen.findByTestId("decision-files");
    expect([...files.querySelectorAll("li")].map((l) => l.textContent)).toEqual([
      "slos/discovered-checkout-3f2a1b.yaml",
      "journeys/discovered/checkout-3f2a1b.yaml",
    ]);
    expect(requests(call, "discovery_decide")).toEqual([
      {
        request: discoveryRequest(),
        candidate: CHECKOUT_ID,
        verdict: "accept",
        target: 0.995,
        threshold_ms: 750,
      } satisfies DiscoveryDecision,
    ]);
    // No browser here: nothing started, the reason, and the command to record elsewhere.
    expect(stream).not.toHaveBeenCalled();
    expect(screen.getByTestId("decision-next").textContent).toContain(
      "The recorder cannot open a browser here: no display to show the browser on (DISPLAY is unset).",
    );
    expect(screen.getByTestId("decision-cli").textContent).toBe(
      "sightline record --url http://shop.test/ --out journeys/discovered/checkout-3f2a1b.yaml --name checkout-3f2a1b --force",
    );
    expect(screen.queryByTestId("decision-record")).toBeNull();
    const first = screen.getAllByTestId("candidate")[0]!;
    expect(within(first).getByTestId("candidate-decision").dataset.decision).toBe("accepted");
    expect((screen.getByTestId("candidate-accept") as HTMLButtonElement).disabled).toBe(true);
  });

  it("leaves the proposal to the engine when nothing was adjusted", async () => {
    answer(call, {
      discovery: discoveryView(),
      discovery_decide: { candidate: CHECKOUT_ID, decision: "accepted", files: ["slos/a.yaml", "journeys/discovered/a.yaml"] },
      ui_ready: {},
    });
    await discover();
    fireEvent.click(screen.getByTestId("candidate-accept"));
    await screen.findByTestId("decision-files");
    expect(requests(call, "discovery_decide")).toMatchObject([{ target: null, threshold_ms: null, verdict: "accept" }]);
  });

  it("rejects, and runs discovery again so the candidate is gone", async () => {
    let rejected = false;
    answer(call, {
      discovery: () => (rejected ? discoveryView({ hidden_rejected: 1, discovery: { ...discoveryView().discovery, candidates: [search({ rank: 1 }), product({ rank: 2 })] } }) : discoveryView()),
      discovery_decide: () => {
        rejected = true;
        return { candidate: CHECKOUT_ID, decision: "rejected", files: [] };
      },
      ui_ready: {},
    });
    await discover();
    fireEvent.click(screen.getByTestId("candidate-reject"));
    await waitFor(() => expect(screen.getAllByTestId("candidate").map((r) => r.dataset.candidateId)).toEqual([SEARCH_ID, PRODUCT_ID]));
    expect(requests(call, "discovery_decide")).toEqual([
      { request: discoveryRequest(), candidate: CHECKOUT_ID, verdict: "reject", target: null, threshold_ms: null },
    ]);
    expect(requests(call, "discovery")).toEqual([discoveryRequest(), discoveryRequest()]);
    expect(screen.getByTestId("decision-note").textContent).toContain("Rejected checkout-3f2a1b");
    expect(screen.getByTestId("candidate-detail").dataset.candidateId).toBe(SEARCH_ID);
    expect(screen.getByTestId("discovery-summary").textContent).toContain("1 rejected hidden");

    // Including rejected ones runs the same inputs again with the flag.
    fireEvent.click(screen.getByTestId("discovery-include-rejected"));
    await waitFor(() => expect(requests(call, "discovery")).toHaveLength(3));
    expect(requests(call, "discovery")[2]).toEqual(discoveryRequest({ include_rejected: true }));
  });

  it("says why a decision failed, keeping the adjusted fields", async () => {
    answer(call, {
      discovery: discoveryView(),
      discovery_decide: () => {
        throw new CallError("invalid_request", "/p/slos/discovered-checkout-3f2a1b.yaml exists; not overwritten");
      },
      ui_ready: {},
    });
    await discover();
    type(screen.getByTestId("candidate-target"), "99");
    fireEvent.click(screen.getByTestId("candidate-accept"));
    expect((await screen.findByTestId("decision-error")).textContent).toBe(
      "/p/slos/discovered-checkout-3f2a1b.yaml exists; not overwritten (invalid_request)",
    );
    expect((screen.getByTestId("candidate-target") as HTMLInputElement).value).toBe("99");
    expect(screen.queryByTestId("decision-files")).toBeNull();
  });
});
