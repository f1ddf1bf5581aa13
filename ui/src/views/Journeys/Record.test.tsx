import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
const stream = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
  stream,
}));

import { clearRecording, recordingBusy } from "../../data/recordings";
import { CallError, type RecordEvent, type RecordRequest, type RecordStarted, type RunsPage } from "../../ipc";
import { answer, requests } from "../../test/engine";
import { journeyDetail, journeyList } from "../../test/fixtures";
import { Journeys } from ".";

const noRuns: RunsPage = { runs: [], next: null, total: 0 };
const DEVTOOLS = "ws://127.0.0.1:9222/devtools/browser/abc";

// The last recording's event channel, to push its steps and outcome.
let push: (e: RecordEvent) => void = () => undefined;

afterEach(() => {
  // The recording lives outside any view: end it, so the next test starts idle.
  if (recordingBusy()) push({ type: "failed", message: "the test is over" });
  clearRecording();
  cleanup();
  call.mockReset();
  stream.mockReset();
  window.location.hash = "";
});

function engine(before?: (onEvent: (e: RecordEvent) => void) => void) {
  answer(call, { journeys: journeyList(), journey_detail: journeyDetail(), runs_page: noRuns, ui_ready: {}, record_stop: {} });
  stream.mockImplementation(async (_name: string, req: RecordRequest, onEvent: (e: RecordEvent) => void): Promise<RecordStarted> => {
    push = onEvent;
    before?.(onEvent);
    return { url: req.url, file: req.file, name: req.name ?? "new-journey", replaces: req.replace, devtools_url: DEVTOOLS };
  });
}

const field = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const type = (id: string, value: string) => {
  field(id).value = value;
  fireEvent(field(id), new Event("input", { bubbles: true }));
};

describe("Record", () => {
  it("opens on a new version of the pane's journey, counts the steps live, stops and says what it saved", async () => {
    engine();
    render(<Journeys selected="checkout" recorderAvailable recorderProblem={null} />);
    const pane = await screen.findByTestId("journey-pane");
    fireEvent.click(within(pane).getByTestId("record-open"));
    const panel = await screen.findByTestId("record-panel");
    expect(["record-url", "record-file", "record-name"].map((id) => field(id).value)).toEqual([
      "http://127.0.0.1:9",
      "journeys/checkout.yaml",
      "checkout",
    ]);
    expect(field("record-replace").checked).toBe(true);

    fireEvent.click(within(panel).getByTestId("record-start"));
    await waitFor(() => expect(stream).toHaveBeenCalledOnce());
    expect(stream.mock.calls[0]?.[0]).toBe("record");
    expect(stream.mock.calls[0]?.[1]).toEqual({
      url: "http://127.0.0.1:9",
      file: "journeys/checkout.yaml",
      name: "checkout",
      replace: true,
      headed: true,
    } satisfies RecordRequest);
    const status = () => screen.getByTestId("record-status");
    await waitFor(() => expect(status().dataset.phase).toBe("recording"));
    expect(status().dataset.count).toBe("0");
    expect(status().dataset.devtoolsUrl).toBe(DEVTOOLS);
    expect(status().textContent).toContain("A password typed there is saved as {{secret.password}}, never in clear.");
    // The form is gone while recording: one recording at a time.
    expect(screen.queryByTestId("record-url")).toBeNull();

    push({ type: "step", count: 1, kind: "click" });
    push({ type: "step", count: 2, kind: "change" });
    await waitFor(() => expect(status().dataset.count).toBe("2"));
    expect(within(status()).getByRole("status").textContent).toBe("Recording in the Chromium window: 2 steps (last: change)");

    // Another Record press shows the recording under way, not a second form.
    fireEvent.click(screen.getByTestId("record-new"));
    expect(screen.queryByTestId("record-url")).toBeNull();

    fireEvent.click(screen.getByTestId("record-stop"));
    await waitFor(() => expect(requests(call, "record_stop")).toEqual([{}]));
    expect(status().dataset.phase).toBe("stopping");
    push({ type: "saved", file: "journeys/checkout.yaml", name: "checkout", steps: 4, secrets: ["password"], warnings: ["step 3: no selector but XPath"] });
    const saved = await screen.findByTestId("record-saved");
    expect(saved.textContent).toContain("Saved journeys/checkout.yaml: 4 steps.");
    expect(within(saved).getByText("Open checkout").getAttribute("href")).toBe("#/journeys/checkout");
    expect(screen.getByTestId("record-secrets").textContent).toContain("the secret password");
    expect(screen.getByTestId("record-warnings").textContent).toBe("step 3: no selector but XPath");

    fireEvent.click(within(saved).getByText("Dismiss"));
    await waitFor(() => expect(screen.queryByTestId("record-panel")).toBeNull());
  });

  it("starts a new journey from the header, says what the engine refused, and keeps the form to try again", async () => {
    engine();
    stream.mockRejectedValueOnce(new CallError("invalid_request", "file: journeys/new-journey.yaml exists; ask to replace it"));
    render(<Journeys selected={null} recorderAvailable recorderProblem={null} />);
    fireEvent.click(screen.getByTestId("record-new"));
    await screen.findByTestId("record-panel");
    expect(["record-url", "record-file", "record-name"].map((id) => field(id).value)).toEqual([
      "",
      "journeys/new-journey.yaml",
      "new-journey",
    ]);
    expect(field("record-replace").checked).toBe(false);

    // Nothing to open: said here, not sent.
    fireEvent.click(screen.getByTestId("record-start"));
    expect((await screen.findByRole("alert")).textContent).toMatch(/^url: give the page the browser opens first/);
    expect(stream).not.toHaveBeenCalled();

    type("record-url", "http://localhost:8080/");
    type("record-name", "");
    fireEvent.click(screen.getByTestId("record-start"));
    const alert = await screen.findByText(/The recording failed/);
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toContain("file: journeys/new-journey.yaml exists; ask to replace it");
    expect(field("record-url").value).toBe("http://localhost:8080/");
    expect(field("record-file").getAttribute("aria-invalid")).toBe("true");

    // A step that overtakes the answer still counts.
    stream.mockImplementationOnce(async (_n: string, req: RecordRequest, onEvent: (e: RecordEvent) => void) => {
      push = onEvent;
      onEvent({ type: "step", count: 1, kind: "click" });
      return { url: req.url, file: req.file, name: "new-journey", replaces: true, devtools_url: DEVTOOLS };
    });
    fireEvent.click(field("record-replace"));
    fireEvent.click(screen.getByTestId("record-start"));
    await waitFor(() => expect(screen.getByTestId("record-status").dataset.phase).toBe("recording"));
    expect(stream.mock.calls[1]?.[1]).toEqual({ url: "http://localhost:8080/", file: "journeys/new-journey.yaml", name: null, replace: true, headed: true });
    expect(screen.getByTestId("record-status").dataset.count).toBe("1");
    expect(screen.getByTestId("record-status").textContent).toContain("1 step (last: click)");
  });

  it("disables Start and says why when the recorder cannot open a browser here", async () => {
    engine();
    render(<Journeys selected="checkout" recorderAvailable={false} recorderProblem="no display to show the browser on (DISPLAY is unset)" />);
    fireEvent.click(await screen.findByTestId("record-open"));
    expect((screen.getByTestId("record-start") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("record-unavailable").textContent).toBe(
      "The recorder cannot open a browser here: no display to show the browser on (DISPLAY is unset).",
    );
  });
});
