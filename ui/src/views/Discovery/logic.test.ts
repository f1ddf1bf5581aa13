import { describe, expect, it } from "vitest";

import { readPalette } from "../../components/EChart";
import { checkout, discoveryRequest, product, search } from "../../test/discovery";
import { latencyOption, nodeName, sankeyGraph, sankeyOption } from "./charts";
import { emptyForm, fieldOf, formOf, hasMoreOptions, loadRequest, requestOf, saveRequest, storageKey } from "./form";
import { budgetSpent, percentText, preview, proposedTarget, targetOf, thresholdOf } from "./preview";
import { scoreBreakdown } from "./score";

describe("the request a form makes", () => {
  it("splits files and weights by line, trimmed, and reads the store's hours", () => {
    const r = requestOf({
      ...emptyForm(),
      files: "  logs/access.log\n\n/var/log/nginx/access.log.1.gz \r\n",
      format: "combined",
      readStore: true,
      storeHours: " 6 ",
      weights: "POST /checkout=3\n /signup = 2 \n",
      includeRejected: true,
    });
    expect(r).toEqual({
      request: discoveryRequest({
        files: ["logs/access.log", "/var/log/nginx/access.log.1.gz"],
        format: "combined",
        store_hours: 6,
        weights: ["POST /checkout=3", "/signup = 2"],
        include_rejected: true,
      }),
    });
  });

  it("leaves the store out unless ticked, whatever the hours say", () => {
    const r = requestOf({ ...emptyForm(), files: "a.log", storeHours: "nonsense" });
    expect("request" in r && r.request.store_hours).toBeNull();
  });

  it("names the field that stops it", () => {
    const problem = (f: Partial<ReturnType<typeof emptyForm>>) => {
      const r = requestOf({ ...emptyForm(), ...f });
      return "problem" in r ? r.problem : null;
    };
    expect(problem({})).toMatch(/^files: give the files to read/);
    // The store alone is enough.
    expect(problem({ readStore: true })).toBeNull();
    expect(problem({ readStore: true, storeHours: "0" })).toMatch(/^store_hours: "0" is not a whole number/);
    expect(problem({ readStore: true, storeHours: "1.5" })).toMatch(/^store_hours:/);
    expect(problem({ files: "a.log", weights: "POST /checkout" })).toMatch(/^weights: "POST \/checkout" is not STEP=WEIGHT/);
    expect(problem({ files: "a.log", weights: "POST /checkout=0" })).toMatch(/^weights:/);
    expect(problem({ files: "a.log", weights: "=3" })).toMatch(/^weights:/);
    expect(fieldOf('--weight "x": expected ...')).toBe("weights");
    expect(fieldOf("files: /p/a.log is not a file")).toBe("files");
    expect(fieldOf("the store is locked")).toBeNull();
  });

  it("reads the base URL, the session gap and the field map, blank for the engine's defaults", () => {
    const r = requestOf({
      ...emptyForm(),
      files: "a.log",
      baseUrl: " http://127.0.0.1:3000/shop ",
      gapMinutes: " 15 ",
      fields: " path = request_path \n\nstatus=code, status\r\n",
    });
    expect(r).toEqual({
      request: discoveryRequest({
        files: ["a.log"],
        base_url: "http://127.0.0.1:3000/shop",
        gap_minutes: 15,
        fields: ["path = request_path", "status=code, status"],
      }),
    });
    expect(requestOf({ ...emptyForm(), files: "a.log", baseUrl: "  ", gapMinutes: " ", fields: "\n" })).toEqual({
      request: discoveryRequest({ files: ["a.log"] }),
    });
    expect(hasMoreOptions(emptyForm())).toBe(false);
    expect(hasMoreOptions({ ...emptyForm(), gapMinutes: "5" })).toBe(true);
  });

  it("refuses a base URL that is not http(s), a gap that is not whole minutes, a field map it cannot read", () => {
    const problem = (f: Partial<ReturnType<typeof emptyForm>>) => {
      const r = requestOf({ ...emptyForm(), files: "a.log", ...f });
      return "problem" in r ? r.problem : null;
    };
    expect(problem({ baseUrl: "https://shop.example.com" })).toBeNull();
    expect(problem({ baseUrl: "HTTP://Shop.Example.com:8443/" })).toBeNull();
    for (const bad of ["shop.example.com", "/shop", "ftp://x.example", "javascript:alert(1)", "http://", "http://a b"]) {
      expect(problem({ baseUrl: bad })).toMatch(/^base_url: .* is not an http\(s\) URL/);
    }
    expect(problem({ gapMinutes: "1" })).toBeNull();
    for (const bad of ["0", "-5", "1.5", "1e3", "thirty", "4294967296"]) {
      expect(problem({ gapMinutes: bad })).toMatch(/^gap_minutes: .* is not a whole number of minutes, 1 or more/);
    }
    expect(problem({ fields: "session=sid,session_id\nuser_agent=ua" })).toBeNull();
    for (const bad of ["path", "=uri", "uri=request_uri", "path=", "path= , "]) {
      expect(problem({ fields: bad })).toMatch(/^fields: .* is not FIELD=KEY\[,KEY\.\.\.\]/);
    }
    expect(fieldOf('base_url: "x" is not an http(s) URL')).toBe("base_url");
    expect(fieldOf('gap_minutes: "0" is not ...')).toBe("gap_minutes");
    expect(fieldOf('fields: "x" is not ...')).toBe("fields");
    // The engine words a bad field map as the CLI's flag.
    expect(fieldOf('--field "uri": not one of time, ...')).toBe("fields");
    expect(fieldOf("files: /p/a.log is not a file")).toBe("files");
  });

  it("round-trips through the form and localStorage, and ignores what is not a request", () => {
    const req = discoveryRequest({
      files: ["a.log", "b.har"],
      format: "har",
      store_hours: 12,
      weights: ["/x=2"],
      base_url: "https://shop.example.com",
      gap_minutes: 20,
      fields: ["path=request_path", "time=ts,time"],
    });
    const back = requestOf(formOf(req));
    expect(back).toEqual({ request: req });
    const key = storageKey("/p");
    localStorage.removeItem(key);
    expect(loadRequest("/p")).toBeNull();
    saveRequest("/p", req);
    expect(loadRequest("/p")).toEqual(req);
    expect(loadRequest("/q")).toBeNull();
    localStorage.setItem(key, JSON.stringify({ ...req, format: "xml" }));
    expect(loadRequest("/p")).toBeNull();
    localStorage.setItem(key, JSON.stringify({ ...req, gap_minutes: "20" }));
    expect(loadRequest("/p")).toBeNull();
    localStorage.setItem(key, JSON.stringify({ ...req, fields: "path=request_path" }));
    expect(loadRequest("/p")).toBeNull();
    localStorage.setItem(key, "{not json");
    expect(loadRequest("/p")).toBeNull();
    localStorage.removeItem(key);
  });
});

describe("the Sankey of the top paths", () => {
  it("names nodes by depth, so a path back to a page it saw stays acyclic", () => {
    const g = sankeyGraph([checkout(), search(), product()]);
    expect(g.links).toEqual([
      // The product path's one link adds to the checkout path's first: 110 + 25.
      { source: "1. GET /", target: "2. GET /product/:id", value: 135 },
      { source: "2. GET /product/:id", target: "3. POST /cart", value: 80 },
      { source: "3. POST /cart", target: "4. POST /checkout", value: 60 },
      { source: "1. GET /", target: "2. GET /search", value: 70 },
      { source: "2. GET /search", target: "3. GET /product/:id", value: 40 },
      { source: "3. GET /product/:id", target: "4. GET /", value: 20 },
    ]);
    expect(g.nodes.map((n) => n.name)).toContain("4. GET /");
    // Every link goes one column to the right: no cycle can form.
    const depth = new Map(g.nodes.map((n) => [n.name, n.depth]));
    for (const l of g.links) expect(depth.get(l.target)).toBe(depth.get(l.source)! + 1);
    expect(nodeName(2, "GET /product/:id")).toBe("2. GET /product/:id");
  });

  it("draws the best 8 candidates only, and no link nobody took", () => {
    const many = Array.from({ length: 10 }, (_, i) =>
      product({ id: `c${i}`, rank: 10 - i, steps: ["GET /", `GET /p${10 - i}`] }),
    );
    const g = sankeyGraph(many);
    expect(g.links.map((l) => l.target)).toEqual(["2. GET /p1", "2. GET /p2", "2. GET /p3", "2. GET /p4", "2. GET /p5", "2. GET /p6", "2. GET /p7", "2. GET /p8"]);
    const none = checkout();
    none.funnel = none.funnel.map((f, i) => ({ ...f, reached: i === 0 ? 5 : 0 }));
    expect(sankeyGraph([none])).toEqual({ nodes: [], links: [] });
  });

  it("builds a sankey series with a column per depth", () => {
    const option = sankeyOption(sankeyGraph([checkout()]), readPalette());
    const series = (option.series as { type: string; data: { name: string; depth: number }[]; links: unknown[] }[])[0]!;
    expect(series.type).toBe("sankey");
    expect(series.data.map((n) => [n.name, n.depth])).toEqual([
      ["1. GET /", 0],
      ["2. GET /product/:id", 1],
      ["3. POST /cart", 2],
      ["4. POST /checkout", 3],
    ]);
    expect(series.links).toHaveLength(3);
  });

  it("charts per-step p50 and p95 with the first step on top", () => {
    const option = latencyOption(checkout(), readPalette());
    expect((option.yAxis as { data: string[] }).data).toEqual(["4. POST /checkout", "3. POST /cart", "2. GET /product/:id", "1. GET /"]);
    const [p50, p95] = option.series as { name: string; data: (number | null)[] }[];
    expect(p50!.data).toEqual([150, null, 90, 40]);
    expect(p95!.data).toEqual([450, null, 270, 120]);
  });
});

describe("the score read out", () => {
  it("shows weight × (traffic + 2 × failure + latency)", () => {
    expect(scoreBreakdown(checkout().score)).toBe("1.800 = 3 × (0.400 traffic + 2 × 0.050 failure + 0.100 latency)");
    expect(scoreBreakdown({ total: 0.5, traffic: 0.25, failure: 0, latency: 0, weight: 1.25 })).toContain("1.25 × (0.250 traffic");
  });
});

describe("the live preview", () => {
  it("proposes what the engine writes: the lower target with latency, else availability's", () => {
    const p = checkout().proposal;
    expect(proposedTarget(p, null)).toBe(0.95);
    expect(proposedTarget(p, 500)).toBe(0.95);
    expect(proposedTarget(p, 0)).toBe(0.98);
    expect(proposedTarget(product().proposal, null)).toBe(0.95);
  });

  it("spends (1 − observed) / (1 − target) of the availability budget", () => {
    expect(budgetSpent(0.985, 0.98)).toBeCloseTo(0.75, 10);
    expect(budgetSpent(0.985, 0.99)).toBeCloseTo(1.5, 10);
    expect(budgetSpent(1, 0.999)).toBe(0);
    const p = checkout().proposal;
    const strict = preview(p, 0.99, 500);
    expect(strict.availability.spent).toBeCloseTo(1.5, 10);
    expect(strict.availability.over).toBe(true);
    expect(preview(p, 0.95, 500).availability.over).toBe(false);
  });

  it("previews latency at the proposed threshold only, and says so for another", () => {
    const p = checkout().proposal;
    const at = preview(p, 0.95, 500).latency;
    expect(at.kind).toBe("proposed");
    expect(at.kind === "proposed" && at.spent).toBeCloseTo(0.8, 10);
    const other = preview(p, 0.95, 800).latency;
    expect(other).toMatchObject({ kind: "other", thresholdMs: 800, proposedMs: 500 });
    expect(preview(p, 0.95, 0).latency).toEqual({ kind: "none" });
    expect(preview(product().proposal, 0.95, 300).latency).toEqual({ kind: "untimed", thresholdMs: 300 });
  });

  it("reads the fields as a person types them", () => {
    expect(percentText(0.9995)).toBe("99.95");
    expect(targetOf("99.95")).toBe(0.9995);
    expect(targetOf(" 99.5 ")).toBe(0.995);
    expect(targetOf("100")).toBeNull();
    expect(targetOf("0")).toBeNull();
    expect(targetOf("")).toBeNull();
    expect(targetOf("abc")).toBeNull();
    expect(thresholdOf("0")).toBe(0);
    expect(thresholdOf("750")).toBe(750);
    expect(thresholdOf("7.5")).toBeNull();
    expect(thresholdOf("-1")).toBeNull();
  });
});
