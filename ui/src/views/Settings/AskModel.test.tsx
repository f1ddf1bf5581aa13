import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  call,
}));

import { CallError } from "../../ipc";
import { answer, requests } from "../../test/engine";
import { settings } from "../../test/fixtures";
import { Settings } from ".";

afterEach(() => {
  cleanup();
  call.mockReset();
});

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const type = (id: string, value: string) => fireEvent.input(input(id), { target: { value } });

describe("Settings: the question box's model", () => {
  it("saves an endpoint, sends the key once and never shows it back", async () => {
    const key = "sk-local-0123456789";
    answer(call, {
      settings: settings(),
      ui_ready: {},
      ask_model_save: settings({
        ask_model: { url: "http://127.0.0.1:11434/v1", model: "llama3.1:8b", timeout_s: 20, key_stored: true },
      }),
    });
    render(<Settings />);
    await screen.findByTestId("ask-model-form");
    expect(input("ask-model-key").type).toBe("password");
    type("ask-model-url", " http://127.0.0.1:11434/v1 ");
    type("ask-model-name", "llama3.1:8b");
    type("ask-model-timeout", "20");
    type("ask-model-key", key);
    fireEvent.click(screen.getByTestId("ask-model-save"));
    await waitFor(() =>
      expect(requests(call, "ask_model_save")).toEqual([
        { url: "http://127.0.0.1:11434/v1", model: "llama3.1:8b", timeout_s: 20, key, forget_key: false },
      ]),
    );
    expect((await screen.findByTestId("ask-model-status")).textContent).toBe(
      "Questions go to llama3.1:8b at http://127.0.0.1:11434/v1; the built-in answer is the fallback.",
    );
    expect(input("ask-model-key").value).toBe("");
    expect(screen.getByText(/one is stored; type to replace it/)).toBeTruthy();
    expect(document.body.textContent).not.toContain(key);
  });

  it("checks the fields before sending, and shows the engine's refusal", async () => {
    answer(call, {
      settings: settings(),
      ui_ready: {},
      ask_model_save: () => {
        throw new CallError("bad_input", 'sightline.toml: ask.model_url: "ollama" is not an http(s) URL');
      },
    });
    render(<Settings />);
    await screen.findByTestId("ask-model-form");
    type("ask-model-url", "http://127.0.0.1:11434/v1");
    fireEvent.click(screen.getByTestId("ask-model-save"));
    expect((await screen.findByTestId("ask-model-status")).textContent).toBe(
      "ask.model: name the model at that endpoint (e.g. llama3.1:8b)",
    );
    type("ask-model-name", "m");
    type("ask-model-timeout", "soon");
    fireEvent.click(screen.getByTestId("ask-model-save"));
    expect(screen.getByTestId("ask-model-status").textContent).toBe(
      "ask.timeout_s: enter a whole number of seconds, 1 to 600",
    );
    expect(requests(call, "ask_model_save")).toEqual([]);
    type("ask-model-timeout", "30");
    type("ask-model-url", "ollama");
    fireEvent.click(screen.getByTestId("ask-model-save"));
    await waitFor(() => expect(screen.getByTestId("ask-model-status").textContent).toContain("ask.model_url"));
    expect(requests(call, "ask_model_save")).toEqual([
      { url: "ollama", model: "m", timeout_s: null, key: null, forget_key: false },
    ]);
  });

  it("turns the model off and forgets the key", async () => {
    answer(call, {
      settings: settings({
        ask_model: { url: "http://127.0.0.1:8080/v1", model: "qwen", timeout_s: 30, key_stored: true },
      }),
      ui_ready: {},
      ask_model_save: settings(),
    });
    render(<Settings />);
    await screen.findByTestId("ask-model-form");
    expect(input("ask-model-url").value).toBe("http://127.0.0.1:8080/v1");
    fireEvent.click(screen.getByTestId("ask-model-off"));
    await waitFor(() =>
      expect(requests(call, "ask_model_save")).toEqual([
        { url: null, model: null, timeout_s: null, key: null, forget_key: true },
      ]),
    );
    expect((await screen.findByTestId("ask-model-status")).textContent).toContain("nothing leaves this machine");
    expect(input("ask-model-url").value).toBe("");
  });
});
