// Engine answers for component tests, typed by the generated bindings so a
// change to the Rust types breaks these fixtures at type-check time.
import type {
  Answer,
  JourneyDetail,
  JourneyList,
  Overview,
  RunDetail,
  Settings,
  SloList,
  SloPreview,
  StatusJson,
} from "../ipc";

export const AT = Date.UTC(2026, 1, 3, 12, 0, 0);
const H = 3_600_000;

export function status(overrides: Partial<StatusJson> = {}): StatusJson {
  return {
    name: "checkout-availability",
    journey: "checkout",
    step: null,
    sli_kind: "availability",
    threshold_ms: null,
    target: 0.99,
    window: { start_ms: AT - 7 * 24 * H + 1, end_ms: AT + 1, period_ms: 7 * 24 * H },
    valid: 5762,
    good: 5728,
    bad: 34,
    sli: 0.99404,
    compliance: true,
    budget: {
      total_fraction: 0.01,
      consumed_fraction: 0.59,
      remaining_fraction: 0.41,
      allowed_bad_events: 57.62,
      remaining_bad_events: 23.62,
      exhausted: false,
    },
    burn_rates: [
      { window: "5m", window_ms: 300_000, valid: 10, bad: 5, rate: 50 },
      { window: "1h", window_ms: H, valid: 120, bad: 30, rate: 25 },
      { window: "6h", window_ms: 6 * H, valid: 720, bad: 31, rate: 4.312 },
      { window: "3d", window_ms: 72 * H, valid: 5762, bad: 34, rate: 0.59 },
    ],
    exhaustion_at_ms: AT + (2 * 24 + 4) * H,
    alert_state: "firing",
    alerts: [
      {
        rule: 0,
        severity: "page",
        long_window: "1h",
        short_window: "5m",
        threshold: 3.36,
        state: "firing",
        since_ms: AT - 20 * 60_000,
      },
    ],
    by_region: [
      { region: "eu-west-1", valid: 2881, good: 2848, sli: 0.98854 },
      { region: "us-east-1", valid: 2881, good: 2880, sli: 0.99965 },
    ],
    by_step: [],
    ...overrides,
  };
}

const series = (v: number) => [
  { t_ms: AT - 72 * H, value: v },
  { t_ms: AT, value: v },
];

export function overview(overrides: Partial<Overview> = {}): Overview {
  return {
    at_ms: AT,
    slos_dir: "slos",
    slos_dir_exists: true,
    slos: [
      {
        status: status(),
        description: "People can buy.",
        burn_down: [
          { t_ms: AT - 7 * 24 * H, value: 1 },
          { t_ms: AT, value: 0.41 },
        ],
        burn_rates: { h1: series(25), h6: series(4.3), d3: series(0.59) },
        policy: [
          {
            rule: "fast-burn",
            effects: ["block", "notify"],
            reason: "page alert (1h/5m) firing for 12m",
            since_ms: AT - 12 * 60_000,
            approvals: [],
          },
        ],
      },
    ],
    firing: [
      {
        slo: "checkout-availability",
        severity: "page",
        long_window: "1h",
        short_window: "5m",
        threshold: 3.36,
        long_burn_rate: 25,
        since_ms: AT - 20 * 60_000,
      },
    ],
    deploys: [
      {
        at_ms: AT - 35 * 60_000,
        release_id: "r2026.02.03-17",
        service: "payment",
        version: "2.0.0",
        region: "eu-west-1",
      },
    ],
    ...overrides,
  };
}

export function journeyList(): JourneyList {
  return {
    at_ms: AT,
    window_ms: 24 * H,
    journeys_dir: "journeys",
    deploys: [],
    journeys: [
      {
        name: "checkout",
        file: "journeys/checkout.yaml",
        problem: null,
        description: "Buys a lantern.",
        tags: ["shop"],
        steps: 3,
        last_by_region: [
          { region: "eu-west-1", outcome: "fail", started_at_ms: AT, duration_ms: 1200, run_id: "r1" },
          { region: "us-east-1", outcome: "pass", started_at_ms: AT, duration_ms: 900, run_id: "r2" },
        ],
        runs: 2882,
        valid: 2882,
        passed: 2820,
        success_rate: 2820 / 2882,
        p95_ms: 1650,
        p95_sparkline: Array.from({ length: 24 }, (_, i) => 1500 + i),
      },
      {
        name: "journeys/bad.yaml",
        file: "journeys/bad.yaml",
        problem: "journeys/bad.yaml: steps[0].type: unknown step type \"fly\"",
        description: "",
        tags: [],
        steps: 0,
        last_by_region: [],
        runs: 0,
        valid: 0,
        passed: 0,
        success_rate: null,
        p95_ms: null,
        p95_sparkline: Array.from({ length: 24 }, () => null),
      },
    ],
  };
}

export function journeyDetail(): JourneyDetail {
  return {
    name: "checkout",
    file: "journeys/checkout.yaml",
    description: "Buys a lantern.",
    base_url: "http://127.0.0.1:9",
    tags: ["shop"],
    secrets: ["shop_password"],
    steps: [
      { index: 0, name: "Open the shop", kind: "navigate" },
      { index: 1, name: "Pay", kind: "click" },
      { index: 2, name: "assertText #done", kind: "assertText" },
    ],
    regions: [{ region: "eu-west-1", base_url: "http://127.0.0.1:9" }],
    project_problem: null,
  };
}

export function runDetail(overrides: Partial<RunDetail> = {}): RunDetail {
  return {
    run: {
      id: "0192f0c1-aaaa-7bbb-8ccc-123456789abc",
      journey: "checkout",
      region: "eu-west-1",
      started_at_ms: AT,
      duration_ms: 2400,
      outcome: "fail",
      error_class: "selector_not_found",
      error_message: "no element matched #pay",
      attempt: 1,
      is_final: true,
      release_id: null,
    },
    trace_id: "0af7651916cd43dd8448eb211c80319c",
    journey_version: "v1",
    runner_id: "test",
    steps: [
      { index: 0, name: "Open the shop", kind: "navigate", offset_ms: 0, duration_ms: 800, outcome: "pass", error_class: null, error_message: null },
      { index: 1, name: "Pay", kind: "click", offset_ms: 800, duration_ms: 1600, outcome: "fail", error_class: "selector_not_found", error_message: "no element matched #pay" },
    ],
    failed_step: 1,
    screenshot: { step_index: 1, data_url: "data:image/png;base64,iVBORw0KGgo=", size_bytes: 70 },
    console_errors: ["TypeError: x is undefined"],
    vitals: [],
    network: { available: false, entries: [], total: 0, problem: null },
    spans: [],
    artifacts: [],
    ...overrides,
  };
}

export function sloList(): SloList {
  return {
    problem: null,
    journeys: [{ name: "checkout", steps: ["Open the shop", "Pay", "assertText #done"] }],
    slos: [
      {
        name: "checkout-availability",
        description: "People can buy.",
        sli_kind: "availability",
        threshold_ms: null,
        journey: "checkout",
        step: null,
        regions: [],
        tags: [],
        target: 0.99,
        window: { kind: "rolling", days: 7 },
        file: "slos/checkout.yaml",
      },
    ],
  };
}

export function sloPreview(): SloPreview {
  return {
    at_ms: AT,
    status: status({ alert_state: "inactive" }),
    burn_down: [
      { t_ms: AT - 7 * 24 * H, value: 1 },
      { t_ms: AT, value: 0.41 },
    ],
    daily: [{ from_ms: AT - 24 * H, valid: 2881, good: 2860, sli: 2860 / 2881 }],
    deploys: [],
  };
}

export function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    database: {
      path: "/home/ana/.local/share/sightline/sightline.db",
      exists: true,
      size_bytes: 5 * 1024 * 1024,
      schema_version: 20261201100000,
      runs: 5762,
      how_to_change: "Start the app with SIGHTLINE_DB=/path/to/file.db (the CLI takes --db too).",
    },
    project_dir: "/home/ana/shop",
    project_file: "sightline.toml",
    project_file_exists: true,
    project_problem: null,
    regions: [{ name: "eu-west-1", base_url: "http://127.0.0.1:8090" }],
    runner: { pool_size: 2, pool_size_set: false, default_pool_size: 2, retries: 1 },
    ask_model: { url: null, model: null, timeout_s: 30, key_stored: false },
    secrets: {
      backend: "OS keyring",
      available: false,
      problem: "the OS keyring is not available: no Secret Service on the session bus",
      secrets: [{ name: "shop_password", used_by: ["checkout"], stored: null, in_environment: false }],
    },
    ...overrides,
  };
}

/** The engine's answer to "why is checkout failing?" in a payment incident. */
export function askAnswer(overrides: Partial<Answer> = {}): Answer {
  return {
    question: "why is checkout failing?",
    intent: "why_failing",
    entities: {
      slo: "orders-availability",
      journey: "demo-api-order-status",
      step: null,
      service: "payment",
      region: "us-east-1",
      other_region: null,
      release: null,
      time: null,
    },
    answer:
      "orders-availability is failing in us-east-1: 212 of 240 runs failed since 11:48, at Place an order; the payment service answers 503 there since payment@2.4.1 was deployed.",
    evidence: [
      {
        kind: "slo",
        ids: ["orders-availability"],
        summary: "orders-availability: SLI 91.2% against 99%",
        link: "#/slos/orders-availability",
      },
      {
        kind: "run",
        ids: ["01JRUN"],
        summary: "failed run in us-east-1 at Place an order",
        link: "#/runs/01JRUN",
      },
      { kind: "span", ids: ["abc"], summary: "payment POST /charge: 503", link: null },
      { kind: "log", ids: ["l1"], summary: "an outside address", link: "https://example.com/x" },
    ],
    followups: ["did the last deploy cause this?", "when did it start?"],
    choices: [],
    chart: null,
    source: "builtin",
    calls: [{ tool: "slo_status", args: { slo: "orders-availability" }, result: {} }],
    ungrounded: [],
    fallback: null,
    at_ms: AT,
    time_zone: "UTC",
    ...overrides,
  };
}
