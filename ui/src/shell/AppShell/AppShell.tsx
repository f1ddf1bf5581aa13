import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";

import { openAsk } from "../../data/ask";
import type { Loadable } from "../../data/useCommand";
import type { AppInfo } from "../../ipc";
import { href, mainRoute, navigate, type ViewName, VIEWS } from "../../router";
import { AskBox } from "../AskBox";

export interface AppShellProps {
  /** Which Sightline is running and on which database, as it loads. */
  appInfo: Loadable<AppInfo>;
  /** The view in front, for the navigation's current item. */
  current: ViewName;
  /** The current view. */
  children: ComponentChildren;
}

/** Alt+1…6 (each view's key in `VIEWS`) jump to the main views from anywhere (not while typing). */
function useViewShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const target = VIEWS.find((v) => v.key === e.key);
      if (!target) return;
      e.preventDefault();
      navigate(mainRoute(target.view));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}

/** The keys that open the question box: Cmd-K on a Mac, Ctrl-K elsewhere. */
function askShortcut(): { label: string; aria: string } {
  const mac = /Mac|iPhone|iPad/.test(navigator.platform);
  return mac ? { label: "⌘K", aria: "Meta+K" } : { label: "Ctrl+K", aria: "Control+K" };
}

/**
 * The frame around every view: navigation, the view, a status line, and the
 * question box (Ctrl/Cmd-K or the header's button, from any view).
 */
export function AppShell({ appInfo, current, children }: AppShellProps) {
  useViewShortcuts();
  const shortcut = askShortcut();
  // A run is shown under Journeys, an attribution under the Overview.
  const shown = mainRoute(current).view;
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to the view
      </a>
      <header class="shell-header">
        <h1>Sightline</h1>
        {appInfo.state === "ready" && (
          <span class="shell-version" aria-label="version">
            v{appInfo.data.version}
          </span>
        )}
        <button
          type="button"
          class="shell-ask"
          data-testid="open-ask"
          aria-haspopup="dialog"
          aria-keyshortcuts={shortcut.aria}
          title={`Ask a question (${shortcut.label})`}
          onClick={() => openAsk()}
        >
          Ask <kbd>{shortcut.label}</kbd>
        </button>
      </header>
      <nav class="shell-nav" aria-label="Views">
        <ul>
          {VIEWS.map((v) => (
            <li key={v.view}>
              <a
                href={href(mainRoute(v.view))}
                aria-current={shown === v.view ? "page" : undefined}
                aria-keyshortcuts={`Alt+${v.key}`}
                title={`${v.label} (Alt+${v.key})`}
              >
                {v.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="shell-main" id="main" tabIndex={-1}>
        {children}
      </main>
      <footer class="shell-status" role="status">
        <StatusLine appInfo={appInfo} />
      </footer>
      <AskBox />
    </div>
  );
}

function StatusLine({ appInfo }: { appInfo: Loadable<AppInfo> }) {
  switch (appInfo.state) {
    case "loading":
      return <span>Connecting to the engine…</span>;
    case "error":
      return (
        <span class="status-error">
          Engine unavailable ({appInfo.error.code}): {appInfo.error.message}
        </span>
      );
    case "ready": {
      const { db_path, schema_version, project_dir } = appInfo.data;
      return (
        <span>
          Database <code>{db_path}</code> ·{" "}
          {schema_version === null ? "not created yet" : `schema v${schema_version}`} · project{" "}
          <code>{project_dir}</code>
        </span>
      );
    }
  }
}
