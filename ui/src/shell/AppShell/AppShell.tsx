import type { ComponentChildren } from "preact";

import type { Loadable } from "../../data/useCommand";
import type { AppInfo } from "../../ipc";

export interface AppShellProps {
  /** Which Sightline is running and on which database, as it loads. */
  appInfo: Loadable<AppInfo>;
  /** The current view; the empty state when there is none. */
  children?: ComponentChildren;
}

/** The frame around every view: the title bar, the view, and a status line. */
export function AppShell({ appInfo, children }: AppShellProps) {
  return (
    <div class="shell">
      <header class="shell-header">
        <h1>Sightline</h1>
        {appInfo.state === "ready" && (
          <span class="shell-version" aria-label="version">
            v{appInfo.data.version}
          </span>
        )}
      </header>
      <main class="shell-main">{children ?? <EmptyState appInfo={appInfo} />}</main>
      <footer class="shell-status" role="status">
        <StatusLine appInfo={appInfo} />
      </footer>
    </div>
  );
}

function EmptyState({ appInfo }: { appInfo: Loadable<AppInfo> }) {
  return (
    <section class="empty-state" aria-labelledby="empty-title">
      <h2 id="empty-title">Nothing to show yet</h2>
      {appInfo.state === "error" ? (
        <p>
          Sightline could not reach its engine: {appInfo.error.message}
        </p>
      ) : (
        <p>
          This is the first build of the workbench. Journeys, SLOs and runs will appear here once
          the database holds them.
        </p>
      )}
    </section>
  );
}

function StatusLine({ appInfo }: { appInfo: Loadable<AppInfo> }) {
  switch (appInfo.state) {
    case "loading":
      return <span>Connecting to the engine…</span>;
    case "error":
      return <span class="status-error">Engine unavailable ({appInfo.error.code})</span>;
    case "ready": {
      const { db_path, schema_version } = appInfo.data;
      return (
        <span>
          Database <code>{db_path}</code> ·{" "}
          {schema_version === null ? "not created yet" : `schema v${schema_version}`}
        </span>
      );
    }
  }
}
