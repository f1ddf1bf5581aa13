// Report "ready" once the first frame is painted, as the app's first view does.
requestAnimationFrame(() =>
  setTimeout(() => {
    window.__TAURI_INTERNALS__.invoke("ui_ready", {}).catch(() => {});
  }, 0),
);
