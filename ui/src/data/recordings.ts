// The recording under way, kept outside any view: the engine records one
// journey at a time, so whichever view started it (Journeys, or a Discovery
// accept) and every other view that shows it read the same state, and
// leaving a view and coming back still shows the live step count.
import { useEffect, useState } from "preact/hooks";

import { call, CallError, stream, type RecordEvent, type RecordRequest, type RecordStarted } from "../ipc";

/** What the engine says once the journey file is written. */
export type RecordSaved = Extract<RecordEvent, { type: "saved" }>;

/**
 * The recording the app knows about. Every phase past `starting` keeps the
 * request too, so a failure can put it back in the form to try again.
 */
export type RecordingState =
  | { phase: "idle" }
  | { phase: "starting"; request: RecordRequest }
  | {
      phase: "recording";
      request: RecordRequest;
      started: RecordStarted;
      count: number;
      lastKind: string | null;
      /** Why the last Stop and save was refused, if it was (the browser is still recording). */
      problem: string | null;
    }
  | { phase: "stopping"; request: RecordRequest; started: RecordStarted; count: number }
  | { phase: "saved"; request: RecordRequest; started: RecordStarted; saved: RecordSaved }
  | { phase: "failed"; request: RecordRequest; message: string };

let state: RecordingState = { phase: "idle" };
// Events that overtook the stream's answer (the recording thread pushes
// from its own runtime while the answer is still on its way).
let early: RecordEvent[] = [];
// Which start the state belongs to: a stream's late events, or a stop's
// late answer, must not touch a recording started after it.
let generation = 0;
const listeners = new Set<(s: RecordingState) => void>();

function set(next: RecordingState): void {
  state = next;
  for (const l of listeners) l(state);
}

function message(err: unknown): string {
  return err instanceof CallError ? err.message : String(err);
}

/** The state now (for tests and first renders). */
export function recordingState(): RecordingState {
  return state;
}

/** Whether a recording holds the engine's one slot (a second start would be refused as busy). */
export function recordingBusy(s: RecordingState = state): boolean {
  return s.phase === "starting" || s.phase === "recording" || s.phase === "stopping";
}

function apply(event: RecordEvent): void {
  if (state.phase === "starting") {
    early.push(event);
    return;
  }
  if (state.phase !== "recording" && state.phase !== "stopping") return;
  const { request, started } = state;
  switch (event.type) {
    case "step":
      if (state.phase === "recording") set({ ...state, count: event.count, lastKind: event.kind });
      else set({ ...state, count: event.count });
      break;
    case "saved":
      set({ phase: "saved", request, started, saved: event });
      break;
    case "failed":
      set({ phase: "failed", request, message: event.message });
      break;
  }
}

/**
 * Starts a recording; its steps are then counted live. Does nothing (and
 * answers false) while another one is under way: the engine would refuse it
 * as busy, and the live one's progress must stay on screen.
 */
export function startRecording(request: RecordRequest): Promise<boolean> {
  if (recordingBusy()) return Promise.resolve(false);
  const gen = ++generation;
  early = [];
  set({ phase: "starting", request });
  const mine = () => gen === generation;
  return stream("record", request, (e) => {
    if (mine()) apply(e);
  }).then(
    (started) => {
      if (!mine() || state.phase !== "starting") return true;
      set({ phase: "recording", request, started, count: 0, lastKind: null, problem: null });
      const overtaking = early;
      early = [];
      for (const e of overtaking) apply(e);
      return true;
    },
    (err: unknown) => {
      if (mine()) set({ phase: "failed", request, message: message(err) });
      return true;
    },
  );
}

/** Stop and save: the engine writes the file, and `saved` arrives on the stream. */
export async function stopRecording(): Promise<void> {
  if (state.phase !== "recording") return;
  const gen = generation;
  const { request, started, count, lastKind } = state;
  set({ phase: "stopping", request, started, count });
  try {
    await call("record_stop", {});
  } catch (err) {
    // not_found: the window was closed first, and the stream has (or is
    // about to have) the outcome; nothing to undo.
    if (err instanceof CallError && err.code === "not_found") return;
    // Read afresh: steps may have arrived while the stop was on its way.
    const now = recordingState();
    if (gen === generation && now.phase === "stopping") {
      set({ phase: "recording", request, started, count: now.count, lastKind, problem: message(err) });
    }
  }
}

/** Forgets a saved or failed recording. */
export function clearRecording(): void {
  if (state.phase === "saved" || state.phase === "failed") set({ phase: "idle" });
}

/** The recording state, re-rendering on every change. */
export function useRecording(): RecordingState {
  const [s, setS] = useState(state);
  useEffect(() => {
    listeners.add(setS);
    setS(state);
    return () => {
      listeners.delete(setS);
    };
  }, []);
  return s;
}
