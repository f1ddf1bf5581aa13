// An accept opens the recorder on the skeleton's first URL (the issue's
// flow), and the decision panel shows the recording live.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
const stream = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
  stream,
}));

import { clearRecording, recordingBusy } from "../../data/recordings";
import { CallError, type RecordEvent, type RecordRequest, type RecordStarted } from "../../ipc";
import { CHECKOUT_RECORD, checkoutAccepted, discoveryView } from "../../test/discovery";
import { answer, requests } from "../../test/engine";
import { Discovery } from ".";
import { storageKey } from "./form";

const PROJECT = "/home/ana/shop";
// The recording's event channel, to push its steps and outcome.
let push: (e: RecordEvent) => void = () => undefined;

beforeEach(() => localStorage.removeItem(storageKey(PROJECT)));
afterEach(() => {
  // The recording lives outside any view: end it, so the next test starts idle.
  if (recordingBusy()) push({ type: "failed", message: "the test is over" });
  clearRecording();
  cleanup();
  call.mockReset();
  stream.mockReset();
});

/** Runs discovery on one log, where the recorder can open a browser, and accepts the first candidate. */
async function accept() {
  render(<Discovery project={PROJECT} recorderAvailable recorderProblem={null} />);
  const files = screen.getByTestId("discovery-files") as HTMLTextAreaElement;
  files.value = "logs/access.log";
  fireEvent(files, new Event("input", { bubbles: true }));
  fireEvent.click(screen.getByTestId("discovery-run"));
  await screen.findAllByTestId("candidate");
  fireEvent.click(screen.getByTestId("candidate-accept"));
}

it("starts exactly the recording the accept answered, and shows it live to the saved file", async () => {
  answer(call, { discovery: discoveryView(), discovery_decide: checkoutAccepted(), record_stop: {}, ui_ready: {} });
  stream.mockImplementation(async (_name: string, req: RecordRequest, onEvent: (e: RecordEvent) => void): Promise<RecordStarted> => {
    push = onEvent;
    return { url: req.url, file: req.file, name: req.name ?? "", replaces: true, devtools_url: "ws://127.0.0.1:9222/devtools/browser/x" };
  });
  await accept();
  await waitFor(() => expect(stream).toHaveBeenCalledOnce());
  expect(stream.mock.calls[0]?.slice(0, 2)).toEqual(["record", CHECKOUT_RECORD]);
  expect(screen.getByTestId("decision-next").textContent).toContain("opened on its first page, http://shop.test/");
  const status = () => screen.getByTestId("record-status");
  await waitFor(() => expect(status().dataset.phase).toBe("recording"));
  push({ type: "step", count: 3, kind: "click" });
  await waitFor(() => expect(status().textContent).toContain("Recording in the Chromium window: 3 steps (last: click)"));

  fireEvent.click(screen.getByTestId("record-stop"));
  await waitFor(() => expect(requests(call, "record_stop")).toEqual([{}]));
  push({ type: "saved", file: CHECKOUT_RECORD.file, name: "checkout-3f2a1b", steps: 8, secrets: [], warnings: [] });
  const saved = await screen.findByTestId("record-saved");
  expect(saved.textContent).toContain(`Saved ${CHECKOUT_RECORD.file}: 8 steps.`);
  expect(saved.querySelector("a")?.getAttribute("href")).toBe("#/journeys/checkout-3f2a1b");
});

it("says why the recorder did not start after an accept, and offers it again", async () => {
  answer(call, { discovery: discoveryView(), discovery_decide: checkoutAccepted(), ui_ready: {} });
  stream.mockRejectedValue(new CallError("browser_failed", "chromium exited before its DevTools address"));
  await accept();
  expect((await screen.findByRole("alert")).textContent).toContain("chromium exited before its DevTools address");
  fireEvent.click(screen.getByTestId("decision-record"));
  await waitFor(() => expect(stream).toHaveBeenCalledTimes(2));
  expect(stream.mock.calls[1]?.[1]).toEqual(CHECKOUT_RECORD);
});
