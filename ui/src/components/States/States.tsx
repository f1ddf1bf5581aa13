import type { ComponentChildren } from "preact";

import type { CallError } from "../../ipc";

/** A region that is loading, announced to screen readers. */
export function Loading({ what }: { what: string }) {
  return (
    <div class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      Loading {what}…
    </div>
  );
}

/** A failure, with the engine's code and message and a way to retry. */
export function ErrorState({
  error,
  title,
  onRetry,
}: {
  error: CallError;
  title: string;
  onRetry?: () => void;
}) {
  return (
    <section class="state state-error" role="alert">
      <h2>{title}</h2>
      <p>{error.message}</p>
      <p class="muted">
        Error code <code>{error.code}</code>
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </section>
  );
}

/** Nothing to show yet, and what to do next. */
export function EmptyState({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="state state-empty">
      <h2>{title}</h2>
      <div class="muted">{children}</div>
    </section>
  );
}
