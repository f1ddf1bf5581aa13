import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
}));

import { openAsk } from "../../data/ask";
import { type Answer, CallError } from "../../ipc";
import { answer, requests } from "../../test/engine";
import { askAnswer } from "../../test/fixtures";
import { AskBox, isAppLink } from ".";

afterEach(() => {
  cleanup();
  call.mockReset();
  window.location.hash = "";
});

/** A promise and the function that settles it, to hold an answer back. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const dialog = () => screen.getByRole("dialog", { name: "Ask Sightline" });
const input = () => screen.getByLabelText("Question") as HTMLInputElement;

/** Opens the box as a suggested question or the header's button does. */
const open = (question: string | null = null) => act(() => openAsk(question));

/** Types `question` into the open box and submits it as Enter does. */
function submit(question: string) {
  fireEvent.input(input(), { target: { value: question } });
  fireEvent.submit(input().form as HTMLFormElement);
}

/** Renders the box next to a button that has the focus, as a view would. */
function renderWithFocus() {
  render(
    <>
      <button type="button">in the view</button>
      <main id="main" tabIndex={-1} />
      <AskBox />
    </>,
  );
  const before = screen.getByText("in the view");
  before.focus();
  return before;
}

describe("AskBox", () => {
  it("opens with Ctrl-K on a labelled, focused input and shows the engine's answer after a loading state", async () => {
    const held = deferred<Answer>();
    answer(call, { ask: () => held.promise });
    renderWithFocus();
    expect(screen.queryByRole("dialog")).toBeNull();

    fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    expect(dialog().getAttribute("aria-modal")).toBe("true");
    expect(document.activeElement).toBe(input());

    submit("why is checkout failing?");
    expect(requests(call, "ask")).toEqual([{ question: "why is checkout failing?", at_ms: null, incident: null }]);
    const loading = within(dialog()).getByTestId("ask-loading");
    expect(loading.getAttribute("role")).toBe("status");
    expect(loading.textContent).toContain("why is checkout failing?");

    held.resolve(askAnswer());
    const text = await within(dialog()).findByTestId("ask-text");
    expect(text.textContent).toBe(askAnswer().answer);
    expect(screen.queryByTestId("ask-loading")).toBeNull();
    expect(within(dialog()).getByTestId("ask-answer").dataset.intent).toBe("why_failing");
    expect(dialog().textContent).toContain("by the built-in engine");
  });

  it("lists the evidence with only the app's own routes as links; following one closes the box and navigates", async () => {
    answer(call, { ask: askAnswer() });
    renderWithFocus();
    open("why is checkout failing?");
    const list = await screen.findByTestId("ask-evidence");
    const items = within(list).getAllByRole("listitem");
    expect(items.map((li) => li.dataset.kind)).toEqual(["slo", "run", "span", "log"]);
    const links = within(list).getAllByRole("link");
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["#/slos/orders-availability", "#/runs/01JRUN"]);
    // Evidence without a link, or with one outside the app, is text.
    expect(within(items[2]!).queryByRole("link")).toBeNull();
    expect(within(items[3]!).queryByRole("link")).toBeNull();
    expect(items[3]!.textContent).toContain("an outside address");

    fireEvent.click(within(list).getByRole("link", { name: "failed run in us-east-1 at Place an order" }));
    expect(window.location.hash).toBe("#/runs/01JRUN");
    expect(screen.queryByRole("dialog")).toBeNull();
    // The new view has the focus, not the button the box opened from.
    expect(document.activeElement?.id).toBe("main");
  });

  it("asks a follow-up when its button is pressed, and keeps this session's questions to ask again", async () => {
    answer(call, {
      ask: (req: { question: string }) => askAnswer({ question: req.question, answer: `answer to ${req.question}` }),
    });
    renderWithFocus();
    open("why is checkout failing?");
    const followups = await screen.findByTestId("ask-followups");
    const buttons = within(followups).getAllByRole("button");
    expect(buttons.map((b) => b.textContent)).toEqual(["did the last deploy cause this?", "when did it start?"]);

    fireEvent.click(buttons[0]!);
    await waitFor(() =>
      expect(screen.getByTestId("ask-text").textContent).toBe("answer to did the last deploy cause this?"),
    );
    expect(input().value).toBe("did the last deploy cause this?");
    const history = within(screen.getByTestId("ask-history")).getAllByRole("button");
    expect(history.map((b) => b.textContent)).toEqual(["did the last deploy cause this?", "why is checkout failing?"]);

    fireEvent.click(history[1]!);
    await waitFor(() => expect(screen.getByTestId("ask-text").textContent).toBe("answer to why is checkout failing?"));
    expect(requests(call, "ask").map((r) => (r as { question: string }).question)).toEqual([
      "why is checkout failing?",
      "did the last deploy cause this?",
      "why is checkout failing?",
    ]);
    // Asked again, a question moves to the top instead of appearing twice.
    const again = within(screen.getByTestId("ask-history")).getAllByRole("button");
    expect(again.map((b) => b.textContent)).toEqual(["why is checkout failing?", "did the last deploy cause this?"]);
  });

  it("closes on Escape, gives the focus back, and keeps the history for the next time", async () => {
    answer(call, { ask: askAnswer() });
    const before = renderWithFocus();
    fireEvent.keyDown(window, { key: "k", metaKey: true });
    submit("why is checkout failing?");
    await screen.findByTestId("ask-text");

    fireEvent.keyDown(input(), { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(before);

    fireEvent.click(before);
    fireEvent.keyDown(window, { key: "K", ctrlKey: true });
    expect(within(screen.getByTestId("ask-history")).getByRole("button").textContent).toBe(
      "why is checkout failing?",
    );
    expect(input().value).toBe("why is checkout failing?");
  });

  it("keeps Tab inside the dialog", async () => {
    answer(call, { ask: askAnswer() });
    renderWithFocus();
    open("why is checkout failing?");
    await screen.findByTestId("ask-text");
    const all = Array.from(dialog().querySelectorAll<HTMLElement>("a[href], button:not([disabled]), input"));
    const first = all[0]!;
    const last = all[all.length - 1]!;
    expect(first.textContent).toBe("Close");
    last.focus();
    fireEvent.keyDown(last, { key: "Tab" });
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(first, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(last);
  });

  it("shows the engine's refusal with its code, and cannot submit an empty question", async () => {
    call.mockImplementation(async () => {
      throw new CallError("not_found", "/tmp/s.db: no database here yet, so there is nothing to answer from");
    });
    renderWithFocus();
    open();
    const ask = within(dialog()).getByRole("button", { name: "Ask" }) as HTMLButtonElement;
    expect(ask.disabled).toBe(true);
    fireEvent.submit(input().form as HTMLFormElement);
    expect(call).not.toHaveBeenCalled();

    submit("what's burning?");
    const error = await within(dialog()).findByRole("alert");
    expect(error.textContent).toContain("no database here yet");
    expect(within(error).getByText("not_found").tagName).toBe("CODE");
  });

  it("shows only the latest question's answer when an older one arrives late", async () => {
    const slow = deferred<Answer>();
    answer(call, {
      ask: (req: { question: string }) =>
        req.question === "first" ? slow.promise : askAnswer({ question: "second", answer: "the second answer" }),
    });
    renderWithFocus();
    open("first");
    open("second");
    await waitFor(() => expect(screen.getByTestId("ask-text").textContent).toBe("the second answer"));
    slow.resolve(askAnswer({ question: "first", answer: "the first answer" }));
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.getByTestId("ask-text").textContent).toBe("the second answer");
  });

  it("flags numbers no engine call returned, and says why a model was not used", async () => {
    answer(call, { ask: askAnswer({ ungrounded: ["42%"], fallback: "the model timed out", source: "builtin" }) });
    renderWithFocus();
    open("why is checkout failing?");
    await screen.findByTestId("ask-text");
    expect(dialog().textContent).toContain("No engine call returned 42%");
    expect(dialog().textContent).toContain("Note: the model timed out");
  });
});

describe("AskBox on an incident", () => {
  const stored = (question: string, at_ms: number, by: string | null = "alice") => ({
    at_ms,
    question,
    intent: "why_slow",
    source: "builtin",
    answer: `answer to ${question}`,
    by,
  });

  it("sends the incident with each question and lists the incident's questions, reloaded after each answer", async () => {
    window.location.hash = "#/incidents/7";
    const kept = [stored("is us-east-1 ok?", 1_000)];
    answer(call, {
      ask: (r: { question: string }) => {
        kept.unshift(stored(r.question, 2_000 + kept.length, "me"));
        return askAnswer({ question: r.question, answer: `answer to ${r.question}` });
      },
      incident_questions: (r: { id: number }) => ({ id: r.id, questions: [...kept] }),
    });
    renderWithFocus();
    open();
    const history = await screen.findByTestId("ask-incident-history");
    expect(dialog().textContent).toContain("Asked about incident #7");
    expect(within(history).getAllByRole("button").map((b) => b.textContent)).toEqual(["is us-east-1 ok?"]);
    expect(history.textContent).toContain("alice");
    expect(requests(call, "incident_questions")).toEqual([{ id: 7 }]);
    expect(screen.queryByTestId("ask-history")).toBeNull();

    submit("why are orders slow?");
    await screen.findByTestId("ask-text");
    expect(requests(call, "ask")).toEqual([{ question: "why are orders slow?", at_ms: null, incident: 7 }]);
    await waitFor(() =>
      expect(
        within(screen.getByTestId("ask-incident-history"))
          .getAllByRole("button")
          .map((b) => b.textContent),
      ).toEqual(["why are orders slow?", "is us-east-1 ok?"]),
    );
    expect(requests(call, "incident_questions")).toHaveLength(2);

    // Pressing an earlier question asks it again, on the same incident.
    fireEvent.click(within(screen.getByTestId("ask-incident-history")).getByText("is us-east-1 ok?"));
    await waitFor(() => expect(screen.getByTestId("ask-text").textContent).toBe("answer to is us-east-1 ok?"));
    expect(requests(call, "ask")[1]).toEqual({ question: "is us-east-1 ok?", at_ms: null, incident: 7 });
  });

  it("asks about the incident an attribution was opened from, and says when nothing was asked yet", async () => {
    window.location.hash = "#/attribution/orders-latency?incident=3";
    answer(call, { incident_questions: { id: 3, questions: [] } });
    renderWithFocus();
    open();
    expect((await screen.findByTestId("ask-incident-history-none")).textContent).toContain("Nothing asked yet");
    expect(requests(call, "incident_questions")).toEqual([{ id: 3 }]);
  });

  it("says why when the incident is not there, in the history and for the question", async () => {
    window.location.hash = "#/incidents/9";
    const gone = () => Promise.reject(new CallError("not_found", "incident: no incident 9"));
    answer(call, { incident_questions: gone, ask: gone });
    renderWithFocus();
    open("why is checkout failing?");
    expect((await screen.findByTestId("ask-incident-history-error")).textContent).toContain("no incident 9");
    expect((await screen.findByTestId("ask-error")).textContent).toContain("no incident 9");
  });
});

describe("isAppLink", () => {
  it("accepts the app's hash routes only", () => {
    expect(isAppLink("#/slos/orders-availability")).toBe(true);
    expect(isAppLink("#/runs/01J")).toBe(true);
    expect(isAppLink(null)).toBe(false);
    expect(isAppLink("https://example.com/#/runs/1")).toBe(false);
    expect(isAppLink("javascript:alert(1)")).toBe(false);
    expect(isAppLink("#/runs/1 onclick")).toBe(false);
  });
});
