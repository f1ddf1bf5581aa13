import { useCommand } from "./data/useCommand";
import { AppShell } from "./shell/AppShell";

/** The whole app: the shell, fed by the engine's `app_info`. */
export function App() {
  const appInfo = useCommand("app_info", {});
  return <AppShell appInfo={appInfo} />;
}
