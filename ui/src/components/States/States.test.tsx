import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, expect, it, vi } from "vitest";

import { CallError } from "../../ipc";
import { EmptyState, ErrorState, Loading } from ".";

afterEach(cleanup);

it("announces loading, shows errors with their code, and says what to do when empty", () => {
  const retry = vi.fn();
  render(
    <>
      <Loading what="journeys" />
      <ErrorState
        title="Could not load"
        error={new CallError("database_refused", "notes.db is not a Sightline database")}
        onRetry={retry}
      />
      <EmptyState title="No SLOs yet">Create one in the SLO editor.</EmptyState>
    </>,
  );
  expect(screen.getByRole("status").textContent).toContain("Loading journeys");
  const alert = screen.getByRole("alert");
  expect(alert.textContent).toContain("database_refused");
  fireEvent.click(screen.getByText("Try again"));
  expect(retry).toHaveBeenCalledOnce();
  expect(screen.getByText("Create one in the SLO editor.")).toBeTruthy();
});
