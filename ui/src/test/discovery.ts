// Discovery answers for component tests, typed by the generated bindings.
// Three candidates over one access log: a checkout path (weighted, with
// latency), a search path that comes back to the home page (a repeated step,
// so the Sankey must name nodes by depth to stay acyclic), and a short
// product path that shares the checkout path's first link.
import type { Candidate, DecisionMade, DiscoveryRequest, DiscoveryView, FunnelStep, RecordRequest } from "../ipc";

export const CHECKOUT_ID = "c3f2a1b9c0d";
export const SEARCH_ID = "c7e1d2a4b5f";
export const PRODUCT_ID = "c0a9b8c7d6e";

export function discoveryRequest(overrides: Partial<DiscoveryRequest> = {}): DiscoveryRequest {
  return {
    files: ["logs/access.log"],
    format: "auto",
    store_hours: null,
    weights: [],
    fields: [],
    gap_minutes: null,
    base_url: null,
    include_rejected: false,
    ...overrides,
  };
}

function funnel(steps: readonly string[], reached: readonly number[], ms: readonly (number | null)[]): FunnelStep[] {
  return steps.map((step, i) => {
    const r = reached[i] ?? 0;
    const left = r - (reached[i + 1] ?? (i === steps.length - 1 ? r : 0));
    const p50 = ms[i] ?? null;
    return {
      step,
      reached: r,
      abandoned: i === steps.length - 1 ? 0 : left,
      abandoned_after_error: i === steps.length - 1 ? 0 : Math.floor(left / 4),
      p50_ms: p50,
      p95_ms: p50 === null ? null : p50 * 3,
      timed: p50 === null ? 0 : r,
    };
  });
}

function skeleton(name: string, id: string, steps: readonly string[]): string {
  const lines = steps.map((s) => {
    const [method, route] = s.split(" ");
    return method === "GET"
      ? `  - type: navigate\n    title: "${s}"\n    url: "${route}"\n`
      : `  - type: http\n    title: "${s}"\n    method: "${method}"\n    url: "${route}"\n`;
  });
  return (
    `# Proposed by \`sightline discover\` (candidate ${id}). Record the clicks\n` +
    `name: "${name}"\ntags: [discovered]\nbaseUrl: "http://127.0.0.1:8080"\nsteps:\n${lines.join("")}`
  );
}

export function checkout(overrides: Partial<Candidate> = {}): Candidate {
  const steps = ["GET /", "GET /product/:id", "POST /cart", "POST /checkout"];
  return {
    id: CHECKOUT_ID,
    name: "checkout-3f2a1b",
    rank: 1,
    steps,
    sessions: 120,
    coverage: 0.4,
    request_coverage: 0.45,
    users_per_day: 38.5,
    completed: 60,
    failed_sessions: 15,
    slow_sessions: 30,
    funnel: funnel(steps, [120, 110, 80, 60], [40, 90, null, 150]),
    score: { total: 1.8, traffic: 0.4, failure: 0.05, latency: 0.1, weight: 3 },
    proposal: {
      key_step: "POST /checkout",
      sli: "availability_and_latency",
      availability: { observed: 0.985, target: 0.98, budget_spent: 0.75, good: 197, total: 200 },
      latency: {
        threshold_ms: 500,
        p50_ms: 120,
        p95_ms: 430,
        p99_ms: 800,
        objective: { observed: 0.96, target: 0.95, budget_spent: 0.8, good: 192, total: 200 },
      },
    },
    skeleton: skeleton("checkout-3f2a1b", CHECKOUT_ID, steps),
    examples: {
      "GET /": ["/"],
      "GET /product/:id": ["/product/17", "/product/4"],
      "POST /cart": ["/cart"],
      "POST /checkout": ["/checkout"],
    },
    ...overrides,
  };
}

export function search(overrides: Partial<Candidate> = {}): Candidate {
  const steps = ["GET /", "GET /search", "GET /product/:id", "GET /"];
  return {
    id: SEARCH_ID,
    name: "search-7e1d2a",
    rank: 2,
    steps,
    sessions: 90,
    coverage: 0.3,
    request_coverage: 0.3,
    users_per_day: 30,
    completed: 20,
    failed_sessions: 3,
    slow_sessions: 9,
    funnel: funnel(steps, [90, 70, 40, 20], [40, 200, 90, 40]),
    score: { total: 0.35, traffic: 0.3, failure: 0.01, latency: 0.03, weight: 1 },
    proposal: {
      key_step: "GET /",
      sli: "availability_and_latency",
      availability: { observed: 0.9995, target: 0.999, budget_spent: 0.5, good: 1999, total: 2000 },
      latency: {
        threshold_ms: 250,
        p50_ms: 40,
        p95_ms: 210,
        p99_ms: 300,
        objective: { observed: 0.97, target: 0.95, budget_spent: 0.6, good: 1940, total: 2000 },
      },
    },
    skeleton: skeleton("search-7e1d2a", SEARCH_ID, steps),
    examples: { "GET /": ["/"], "GET /search": ["/search?q=tea"], "GET /product/:id": ["/product/9"] },
    ...overrides,
  };
}

/** No durations in the source: an availability-only proposal. */
export function product(overrides: Partial<Candidate> = {}): Candidate {
  const steps = ["GET /", "GET /product/:id"];
  return {
    id: PRODUCT_ID,
    name: "product-0a9b8c",
    rank: 3,
    steps,
    sessions: 30,
    coverage: 0.1,
    request_coverage: 0.08,
    users_per_day: 9.25,
    completed: 25,
    failed_sessions: 0,
    slow_sessions: 0,
    funnel: funnel(steps, [30, 25], [null, null]),
    score: { total: 0.1, traffic: 0.1, failure: 0, latency: 0, weight: 1 },
    proposal: {
      key_step: "GET /product/:id",
      sli: "availability",
      availability: { observed: 0.99, target: 0.95, budget_spent: 0.2, good: 99, total: 100 },
      latency: null,
    },
    skeleton: skeleton("product-0a9b8c", PRODUCT_ID, steps),
    examples: { "GET /": ["/"], "GET /product/:id": ["/product/1"] },
    ...overrides,
  };
}

export function discoveryView(overrides: Partial<DiscoveryView> = {}): DiscoveryView {
  return {
    inputs: [
      {
        file: "logs/access.log",
        format: "combined",
        lines: 1204,
        requests: 1201,
        bad_lines: 3,
        bad: [
          { line: 17, message: "no closing quote in the request" },
          { line: 90, message: "status: not a number" },
          { line: 1100, message: "time: not a time" },
        ],
      },
    ],
    discovery: {
      requests: 1201,
      sessions: 300,
      clustered_sessions: 240,
      noise_sessions: 60,
      bots: { user_agent: 7, robots_txt: 2, rate: 1, no_assets: 0 },
      set_aside: { assets: 640, health: 55, robots_txt: 2 },
      routes: [],
      candidates: [checkout(), search(), product()],
    },
    decisions: {},
    hidden_rejected: 0,
    took_ms: 84,
    ...overrides,
  };
}

/** The recording an accept of the checkout candidate asks for: its skeleton's first URL, into its file. */
export const CHECKOUT_RECORD: RecordRequest = {
  url: "http://shop.test/",
  file: "journeys/discovered/checkout-3f2a1b.yaml",
  name: "checkout-3f2a1b",
  replace: true,
  headed: true,
};

/** What accepting the checkout candidate answers. */
export function checkoutAccepted(): DecisionMade {
  return {
    candidate: CHECKOUT_ID,
    decision: "accepted",
    files: ["slos/discovered-checkout-3f2a1b.yaml", CHECKOUT_RECORD.file],
    record: CHECKOUT_RECORD,
  };
}
