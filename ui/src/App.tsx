import { useEffect } from "preact/hooks";

import { startLive } from "./data/live";
import { useCommand } from "./data/useCommand";
import { href, parseRoute, type Route, useRoute } from "./router";
import { AppShell } from "./shell/AppShell";
import { Attribution } from "./views/Attribution";
import { Discovery } from "./views/Discovery";
import { Incidents } from "./views/Incidents";
import { Journeys } from "./views/Journeys";
import { Overview } from "./views/Overview";
import { Runs } from "./views/Runs";
import { Settings } from "./views/Settings";
import { Slos } from "./views/Slos";

function View({
  route,
  recorderAvailable,
  recorderProblem,
  project,
}: {
  route: Route;
  recorderAvailable: boolean;
  recorderProblem: string | null;
  project: string | null;
}) {
  switch (route.view) {
    case "overview":
      return <Overview />;
    case "journeys":
      return (
        <Journeys selected={route.journey} recorderAvailable={recorderAvailable} recorderProblem={recorderProblem} />
      );
    case "runs":
      return <Runs runId={route.runId} />;
    case "slos":
      return <Slos selected={route.slo} />;
    case "settings":
      return <Settings />;
    case "attribution":
      return <Attribution slo={route.slo} incident={route.incident} />;
    case "incidents":
      return <Incidents id={route.id} event={route.event} />;
    case "discovery":
      return (
        <Discovery project={project} recorderAvailable={recorderAvailable} recorderProblem={recorderProblem} />
      );
  }
}

/**
 * The whole app: the shell around the routed view, live updates from the
 * engine, and the first view chosen by `--view` / `SIGHTLINE_VIEW` when the
 * page opened without a route of its own.
 */
export function App() {
  const appInfo = useCommand("app_info", {});
  const route = useRoute();

  useEffect(() => {
    void startLive();
  }, []);

  const startView = appInfo.state === "ready" ? appInfo.data.start_view : null;
  useEffect(() => {
    if (startView && window.location.hash === "") {
      // Through the router, so an unknown name lands on the Overview.
      window.location.hash = href(parseRoute(`#/${startView}`));
    }
  }, [startView]);

  const recorderAvailable = appInfo.state === "ready" && appInfo.data.recorder_available;
  // Until app_info answers, Record says it is waiting rather than that it cannot.
  const recorderProblem =
    appInfo.state === "ready"
      ? appInfo.data.recorder_problem
      : appInfo.state === "loading"
        ? "still asking the engine whether it can"
        : `the engine did not say whether it can (${appInfo.error.message})`;
  const project = appInfo.state === "ready" ? appInfo.data.project_dir : null;
  return (
    <AppShell appInfo={appInfo} current={route.view}>
      <View route={route} recorderAvailable={recorderAvailable} recorderProblem={recorderProblem} project={project} />
    </AppShell>
  );
}
