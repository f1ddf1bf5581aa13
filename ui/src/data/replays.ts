// The replay under way, kept outside any view so that leaving the journey
// page and coming back still shows its live progress.
import { useEffect, useState } from "preact/hooks";

import {
  CallError,
  stream,
  type ReplayEvent,
  type ReplayRequest,
  type ReplayStarted,
  type RunRow,
  type StepRow,
} from "../ipc";

/** One step of the replay as the viewer shows it. */
export interface LiveStep {
  index: number;
  name: string;
  kind: string;
  status: "pending" | "running" | "pass" | "fail" | "error";
  result?: StepRow;
}

/** The replay the app knows about. */
export type ReplayState =
  | { phase: "idle" }
  | { phase: "starting"; request: ReplayRequest }
  | { phase: "running"; started: ReplayStarted; steps: LiveStep[] }
  | { phase: "finished"; started: ReplayStarted; steps: LiveStep[]; run: RunRow }
  | { phase: "failed"; request: ReplayRequest; message: string; steps: LiveStep[] };

let state: ReplayState = { phase: "idle" };
// Events that overtook the stream's answer (the replay thread starts before
// the command returns); applied once the step list is in place.
let early: ReplayEvent[] = [];
const listeners = new Set<(s: ReplayState) => void>();

function set(next: ReplayState): void {
  state = next;
  for (const l of listeners) l(state);
}

/** The state now (for tests and first renders). */
export function replayState(): ReplayState {
  return state;
}

/** Applies one pushed event to the state. */
export function applyReplayEvent(event: ReplayEvent): void {
  if (state.phase === "starting") {
    early.push(event);
    return;
  }
  if (state.phase !== "running") return;
  const steps = state.steps.map((s) => ({ ...s }));
  switch (event.type) {
    case "step_started": {
      const step = steps[event.index];
      if (step) step.status = "running";
      set({ ...state, steps });
      break;
    }
    case "step_finished": {
      const step = steps[event.step.index];
      if (step) {
        step.status = event.step.outcome as LiveStep["status"];
        step.result = event.step;
      }
      set({ ...state, steps });
      break;
    }
    case "finished":
      set({ phase: "finished", started: state.started, steps, run: event.run });
      break;
    case "failed":
      set({
        phase: "failed",
        request: {
          journey: state.started.journey,
          region: state.started.region,
          headed: state.started.headed,
        },
        message: event.message,
        steps,
      });
      break;
  }
}

/** Starts a replay; its steps then arrive live. */
export async function startReplay(request: ReplayRequest): Promise<void> {
  early = [];
  set({ phase: "starting", request });
  try {
    const started = await stream("replay", request, applyReplayEvent);
    if (state.phase === "starting") {
      set({
        phase: "running",
        started,
        steps: started.steps.map((s) => ({ ...s, status: "pending" })),
      });
      const overtaking = early;
      early = [];
      for (const e of overtaking) applyReplayEvent(e);
    }
  } catch (err) {
    const message = err instanceof CallError ? err.message : String(err);
    set({ phase: "failed", request, message, steps: [] });
  }
}

/** Forgets a finished or failed replay. */
export function clearReplay(): void {
  if (state.phase === "finished" || state.phase === "failed") set({ phase: "idle" });
}

/** The replay state, re-rendering on every change. */
export function useReplay(): ReplayState {
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
