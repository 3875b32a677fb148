// The pure date logic of the page (geo/assets/gcm_time.js), with Node's built-in test runner:
//   node --test tests/js/
// The unit tests use a tiny hand-written payload. The parity test runs when GCM_CASES names a
// JSON file {payload, cases: [{date, expected}]} written by tests/test_js.py from the Python
// timeline (report.state_dict and timeline.neighbours); without it, it is skipped.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, test } from "node:test";

const require = createRequire(import.meta.url);
const T = require("../../geo/assets/gcm_time.js");
const Words = require("../../geo/assets/gcm_text.js");

// ---- a tiny payload --------------------------------------------------------------------------
// Zones: cross lies within corr, corr within strip; other stands alone.
// IDF holds corr (and so strip) from 01-10 to 03-01. EU's presence in corr from the data start is
// implied by its withdrawal F5 on 02-01. Egypt's demand F3 is in force, then aged, then overtaken
// by agreement g1 (F8). Qatar's demand F7 is met on 03-01 (F6). g1 is in force from 02-01; a term
// for cross and Egypt's role come on 05-01; F13 is later evidence for the period and a role.
const fact = (date) => ({ date, date_precision: "day", end_date: null, zone: "corr", summary: "", confidence: "high", source: "S1" });
const G = {
  dataFrom: "2024-01-01",
  dataAsOf: "2024-06-30",
  days: ["2024-01-10", "2024-02-01", "2024-03-01", "2024-05-01"],
  zones: {
    strip: { name: "Strip", within: null },
    corr: { name: "Corridor", within: "strip" },
    cross: { name: "Crossing", within: "corr" },
    other: { name: "Elsewhere", within: null },
  },
  presence: [
    ["corr", "IDF", "2024-01-10", "2024-03-01", "established", "F1", "2024-01-10", [], null],
    ["strip", "IDF", "2024-01-10", "2024-03-01", "established", "F1", "2024-01-10", ["corr"], null],
    ["corr", "EU", "2024-01-01", "2024-02-01", "established", "F2", "2024-01-01", [], "F5"],
  ],
  left: [
    ["corr", "EU", "2024-02-01", null, "2024-02-01", "F5", "withdrawn"],
    ["corr", "IDF", "2024-03-01", null, "2024-03-01", "F6", "ended"],
  ],
  demands: [
    ["corr", "Egypt", "2024-01-10", "2024-02-01", "withdraw", "F3", "2024-01-10", ["F3"], "in_force", "2024-01-10", null, null],
    ["corr", "Egypt", "2024-02-01", "2024-03-01", "withdraw", "F3", "2024-01-10", ["F3"], "aged", "2024-01-10", null, null],
    ["corr", "Qatar", "2024-02-01", "2024-03-01", "withdraw", "F7", "2024-02-01", ["F7"], "in_force", "2024-02-01", null, null],
    ["corr", "Qatar", "2024-03-01", null, "withdraw", "F7", "2024-02-01", ["F7"], "in_force", "2024-02-01", "2024-03-01", "F6"],
  ],
  overtaken: [
    ["corr", "Egypt", "2024-03-01", null, "withdraw", "F3", "2024-01-10", "2024-03-01", "the agreement g1", "F8", ["F3"]],
  ],
  changes: {
    "2024-01-10": [["IDF", "corr", "F1", "IDF became present"]],
    "2024-02-01": [["EU", "corr", "F5", "EU left"], [null, null, "F8", "Agreement in force"]],
    "2024-03-01": [["IDF", "corr", "F6", "IDF left"]],
    "2024-05-01": [[null, null, null, "Egypt joined g1"]],
  },
  agreements: [
    {
      id: "g1",
      name: "G1",
      periods: [["2024-02-01", null, ["F8", "F13"]]],
      roles: [["Israel", "party", "2024-02-01", ["F8", "F13"]], ["Egypt", "mediator", "2024-05-01", ["F9"]]],
      terms: [["strip", "F8", "2024-02-01"], ["cross", "F9", "2024-05-01"]],
    },
  ],
  events: [["F10", "2024-01-15", null], ["F11", "2024-02-10", "2024-02-20"]],
  figures: [{ zone: "corr", fact: "F12", wording: "half", counted_by: "x", date: "2024-02-15" }],
  facts: {
    F1: fact("2024-01-10"), F2: fact("2024-01-01"), F3: fact("2024-01-10"), F5: fact("2024-02-01"),
    F6: fact("2024-03-01"), F7: fact("2024-02-01"), F8: fact("2024-02-01"), F9: fact("2024-05-01"),
    F10: fact("2024-01-15"), F11: fact("2024-02-10"), F12: fact("2024-02-15"), F13: fact("2024-04-01"),
  },
};

const actors = (rows) => rows.map((r) => r[1]).sort();

function* daysFrom(a, b) {
  for (let t = Date.parse(a + "T00:00:00Z"); t <= Date.parse(b + "T00:00:00Z"); t += 864e5) {
    yield new Date(t).toISOString().slice(0, 10);
  }
}

describe("isDay", () => {
  test("accepts real calendar days", () => {
    for (const d of ["2024-02-29", "2024-01-01", "2026-12-31", "2005-09-01"]) assert.equal(T.isDay(d), true, d);
  });
  test("rejects impossible days and other spellings", () => {
    for (const d of ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31",
      "2024-2-3", "2024-02-3", "24-02-03", "2024/02/03", "2024-02-03T00:00", " 2024-02-03", ""]) {
      assert.equal(T.isDay(d), false, JSON.stringify(d));
    }
    for (const v of [null, undefined, 20240203, new Date(0)]) assert.equal(T.isDay(v), false, String(v));
  });
});

describe("holds: [from, to) with null open", () => {
  test("includes the start and excludes the end", () => {
    assert.equal(T.holds("2024-01-01", "2024-01-05", "2024-01-01"), true);
    assert.equal(T.holds("2024-01-01", "2024-01-05", "2024-01-04"), true);
    assert.equal(T.holds("2024-01-01", "2024-01-05", "2024-01-05"), false);
    assert.equal(T.holds("2024-01-01", "2024-01-05", "2023-12-31"), false);
  });
  test("null is open-ended at either side", () => {
    assert.equal(T.holds(null, "2024-01-05", "1900-01-01"), true);
    assert.equal(T.holds("2024-01-01", null, "2999-12-31"), true);
    assert.equal(T.holds(null, null, "2024-01-01"), true);
    assert.equal(T.holds(null, "2024-01-05", "2024-01-05"), false);
  });
  test("a one-day segment holds on its day only", () => {
    assert.equal(T.holds("2024-01-01", "2024-01-02", "2024-01-01"), true);
    assert.equal(T.holds("2024-01-01", "2024-01-02", "2024-01-02"), false);
  });
  test("active keeps the rows that hold", () => {
    assert.deepEqual(T.active(G.demands, "2024-02-01").map((r) => [r[1], r[8]]), [["Egypt", "aged"], ["Qatar", "in_force"]]);
    assert.deepEqual(T.active(undefined, "2024-02-01"), []);
  });
});

describe("neighbours and dayIndex", () => {
  const days = G.days;
  test("before the first change day", () => {
    assert.deepEqual(T.neighbours(days, "2023-01-01"), [null, "2024-01-10"]);
    assert.equal(T.dayIndex(days, "2023-01-01"), -1);
  });
  test("on the first change day there is no previous one", () => {
    assert.deepEqual(T.neighbours(days, "2024-01-10"), [null, "2024-02-01"]);
    assert.equal(T.dayIndex(days, "2024-01-10"), 0);
  });
  test("between change days, and on one, a change day is never its own neighbour", () => {
    assert.deepEqual(T.neighbours(days, "2024-02-15"), ["2024-02-01", "2024-03-01"]);
    assert.deepEqual(T.neighbours(days, "2024-03-01"), ["2024-02-01", "2024-05-01"]);
    assert.equal(T.dayIndex(days, "2024-02-15"), 1);
    assert.equal(T.dayIndex(days, "2024-03-01"), 2);
  });
  test("on and after the last change day there is no next one", () => {
    assert.deepEqual(T.neighbours(days, "2024-05-01"), ["2024-03-01", null]);
    assert.deepEqual(T.neighbours(days, "2030-01-01"), ["2024-05-01", null]);
    assert.equal(T.dayIndex(days, "2030-01-01"), 3);
  });
  test("no change days at all", () => {
    assert.deepEqual(T.neighbours([], "2024-01-01"), [null, null]);
    assert.equal(T.dayIndex([], "2024-01-01"), -1);
  });
  test("daysBetween counts whole days across a leap day", () => {
    assert.equal(T.daysBetween("2024-02-28", "2024-03-01"), 2);
    assert.equal(T.daysBetween("2024-03-01", "2024-02-28"), -2);
    assert.equal(T.daysBetween("2024-01-01", "2024-01-01"), 0);
  });
});

describe("cover: a zone and every zone that contains it", () => {
  test("follows within to the top", () => {
    assert.deepEqual(T.cover(G.zones, "cross"), ["cross", "corr", "strip"]);
    assert.deepEqual(T.cover(G.zones, "strip"), ["strip"]);
    assert.deepEqual(T.cover(G.zones, "nowhere"), ["nowhere"]);
  });
  test("stops on a loop", () => {
    assert.deepEqual(T.cover({ a: { within: "b" }, b: { within: "a" } }, "a"), ["a", "b"]);
  });
});

describe("agreementsOn", () => {
  test("nothing before the period starts", () => {
    assert.deepEqual(T.agreementsOn(G, "2024-01-31"), []);
  });
  test("keeps only the terms and roles dated on or before the day", () => {
    const [g] = T.agreementsOn(G, "2024-03-01");
    assert.equal(g.id, "g1");
    assert.equal(g.since, "2024-02-01");
    assert.deepEqual(g.terms, { strip: ["F8"] });
    assert.deepEqual(g.roles.map((r) => r[0]), ["Israel"]);
    const [later] = T.agreementsOn(G, "2024-05-01");
    assert.deepEqual(later.terms, { strip: ["F8"], cross: ["F9"] });
    assert.deepEqual(later.roles.map((r) => r[0]), ["Israel", "Egypt"]);
  });
  test("a period's end day is outside it", () => {
    const H = { agreements: [{ ...G.agreements[0], periods: [["2024-02-01", "2024-02-10", []]] }] };
    assert.equal(T.agreementsOn(H, "2024-02-09").length, 1);
    assert.equal(T.agreementsOn(H, "2024-02-10").length, 0);
  });
});

describe("stateOf", () => {
  test("presence, departures and the zones that contain them", () => {
    const s = T.stateOf(G, "2024-01-15");
    assert.deepEqual(actors(s.zones.corr.presence), ["EU", "IDF"]);
    assert.deepEqual(actors(s.zones.strip.presence), ["IDF"]);
    assert.deepEqual(s.zones.corr.left, []);
    const after = T.stateOf(G, "2024-03-01");
    assert.deepEqual(after.zones.corr.presence, []);
    assert.deepEqual(actors(after.zones.corr.left), ["EU", "IDF"]);
  });
  test("splits demands in force from aged ones", () => {
    const s = T.stateOf(G, "2024-02-15").zones.corr;
    assert.deepEqual(actors(s.demands), ["Qatar"]);
    assert.deepEqual(actors(s.aged), ["Egypt"]);
    assert.deepEqual(s.overtaken, []);
    const before = T.stateOf(G, "2024-01-31").zones.corr;
    assert.deepEqual(actors(before.demands), ["Egypt"]);
    assert.deepEqual(before.aged, []);
  });
  test("an overtaken demand is neither in force nor aged", () => {
    const s = T.stateOf(G, "2024-03-01").zones.corr;
    assert.deepEqual(actors(s.demands), ["Qatar"]);
    assert.equal(s.demands[0][11], "F6"); // met
    assert.deepEqual(s.aged, []);
    assert.deepEqual(actors(s.overtaken), ["Egypt"]);
  });
  test("an agreement covers the zones its terms name and the zones within them", () => {
    const s = T.stateOf(G, "2024-03-01");
    for (const z of ["strip", "corr", "cross"]) assert.deepEqual(s.zones[z].agreements, ["g1"], z);
    assert.deepEqual(s.zones.other.agreements, []);
    assert.deepEqual(T.stateOf(G, "2024-01-31").zones.strip.agreements, []);
  });
  test("figures appear from their fact's day on", () => {
    assert.deepEqual(T.stateOf(G, "2024-02-14").zones.corr.figures, []);
    assert.deepEqual(T.stateOf(G, "2024-02-15").zones.corr.figures.map((f) => f.fact), ["F12"]);
    assert.deepEqual(T.stateOf(G, "2024-02-15").zones.strip.figures, []);
  });
  test("notice before, within and after the data", () => {
    assert.equal(T.stateOf(G, "2023-12-31").notice, "before");
    assert.equal(T.stateOf(G, "2024-01-01").notice, null);
    assert.equal(T.stateOf(G, "2024-06-30").notice, null);
    assert.equal(T.stateOf(G, "2024-07-01").notice, "after");
  });
  test("an event without an end is on its day only", () => {
    assert.deepEqual(T.stateOf(G, "2024-01-14").events, []);
    assert.deepEqual(T.stateOf(G, "2024-01-15").events, ["F10"]);
    assert.deepEqual(T.stateOf(G, "2024-01-16").events, []);
  });
  test("an event with an end lasts from its day up to, not including, the end", () => {
    assert.deepEqual(T.stateOf(G, "2024-02-09").events, []);
    assert.deepEqual(T.stateOf(G, "2024-02-10").events, ["F11"]);
    assert.deepEqual(T.stateOf(G, "2024-02-19").events, ["F11"]);
    assert.deepEqual(T.stateOf(G, "2024-02-20").events, []);
  });
  test("previous, next and the latest change", () => {
    const s = T.stateOf(G, "2024-02-15");
    assert.deepEqual([s.previous, s.next, s.lastChange], ["2024-02-01", "2024-03-01", "2024-02-01"]);
    const on = T.stateOf(G, "2024-02-01");
    assert.deepEqual([on.previous, on.next, on.lastChange], ["2024-01-10", "2024-03-01", "2024-02-01"]);
    assert.equal(on.changes.length, 2);
    const first = T.stateOf(G, "2024-01-05");
    assert.deepEqual([first.previous, first.next, first.lastChange, first.changes], [null, "2024-01-10", null, []]);
  });
});

describe("citedFacts", () => {
  test("never a fact dated after the day, except the withdrawal that implies a presence", () => {
    for (const d of daysFrom("2023-12-25", "2024-07-10")) {
      const s = T.stateOf(G, d);
      const implied = new Set(T.active(G.presence, d).map((r) => r[8]).filter(Boolean));
      for (const f of T.citedFacts(G, s)) {
        assert.ok(G.facts[f].date <= d || implied.has(f), `${d}: cites ${f} dated ${G.facts[f].date}`);
      }
    }
  });
  test("cites the implied withdrawal while the presence it implies holds", () => {
    const cited = T.citedFacts(G, T.stateOf(G, "2024-01-15"));
    assert.deepEqual(cited, ["F1", "F10", "F2", "F3", "F5"]);
  });
  test("leaves out later evidence of a period and a role", () => {
    const cited = T.citedFacts(G, T.stateOf(G, "2024-03-01"));
    assert.ok(!cited.includes("F13") && !cited.includes("F9"), cited.join(" "));
    assert.ok(cited.includes("F8") && cited.includes("F6") && cited.includes("F12"), cited.join(" "));
    assert.ok(T.citedFacts(G, T.stateOf(G, "2024-05-01")).includes("F13"));
  });
  test("cites nothing before the data starts", () => {
    assert.deepEqual(T.citedFacts(G, T.stateOf(G, "2023-12-31")), []);
  });
});

// ---- parity with the Python timeline ---------------------------------------------------------
const CASES = process.env.GCM_CASES;

const cmp = (a, b) => { const x = JSON.stringify(a), y = JSON.stringify(b); return x < y ? -1 : x > y ? 1 : 0; };
const sorted = (xs) => [...xs].sort(cmp);

/** What the browser says of day d, in the shape tests/test_js.py writes for Python. */
function browserSays(P, d) {
  const s = T.stateOf(P, d);
  const zones = {};
  for (const [zid, z] of Object.entries(s.zones)) {
    zones[zid] = {
      presence: sorted(z.presence.map((r) => [r[1], r[4], r[5]])),
      left: sorted(z.left.map((r) => [r[1], r[5]])),
      demands: sorted(z.demands.map((r) => [r[1], r[4], r[5]])),
      aged: sorted(z.aged.map((r) => [r[1], r[4], r[5]])),
      overtaken: sorted(z.overtaken.map((r) => [r[1], r[4], r[5]])),
      agreements: [...z.agreements].sort(),
    };
  }
  return {
    notice: s.notice, zones, previous: s.previous, next: s.next, day: Words.make(P, "en").day(d),
    events: [...s.events].sort(), facts: T.citedFacts(P, s),
  };
}

const show = (v) => JSON.stringify(v);

/** Every disagreement on one day, each naming the day and, where there is one, the zone. */
function disagreements(d, js, py) {
  const out = [];
  for (const key of ["notice", "previous", "next", "day"]) {
    if (js[key] !== py[key]) out.push(`${d} ${key}: browser ${show(js[key])}, python ${show(py[key])}`);
  }
  const zids = new Set([...Object.keys(js.zones), ...Object.keys(py.zones)]);
  for (const zid of [...zids].sort()) {
    const a = js.zones[zid], b = py.zones[zid];
    if (!a || !b) { out.push(`${d} zone ${zid}: only in ${a ? "the browser" : "python"}`); continue; }
    for (const key of ["presence", "left", "demands", "aged", "overtaken"]) {
      const x = sorted(a[key]), y = sorted(b[key]);
      if (show(x) !== show(y)) out.push(`${d} zone ${zid} ${key}: browser ${show(x)}, python ${show(y)}`);
    }
    const x = [...a.agreements].sort(), y = [...b.agreements].sort();
    if (show(x) !== show(y)) out.push(`${d} zone ${zid} agreements: browser ${show(x)}, python ${show(y)}`);
  }
  for (const key of ["events", "facts"]) {
    const x = [...js[key]].sort(), y = [...py[key]].sort();
    if (show(x) !== show(y)) {
      const only = (p, q) => p.filter((f) => !q.includes(f));
      out.push(`${d} ${key}: only in the browser ${show(only(x, y))}, only in python ${show(only(y, x))}`);
    }
  }
  return out;
}

describe("parity with the Python timeline", () => {
  test("stateOf and citedFacts agree with state_dict on every case", { skip: CASES ? false : "GCM_CASES not set" }, (t) => {
    const { payload, cases } = JSON.parse(readFileSync(CASES, "utf8"));
    assert.ok(cases.length > 0, "no cases");
    const bad = [];
    for (const { date, expected } of cases) {
      assert.ok(T.isDay(date), `case date ${date}`);
      bad.push(...disagreements(date, browserSays(payload, date), expected));
    }
    assert.equal(bad.length, 0, `${bad.length} disagreements:\n` + bad.slice(0, 60).join("\n"));
    t.diagnostic(`${cases.length} days agree`);
  });

  test("what changed on each day agrees with state_dict's changes", { skip: CASES ? false : "GCM_CASES not set" }, (t) => {
    const { payload, cases } = JSON.parse(readFileSync(CASES, "utf8"));
    const bad = [];
    for (const { date, expected } of cases) {
      const s = T.stateOf(payload, date);
      const js = sorted((s.lastChange === date ? s.changes : []).map((c) => [c[0], c[1], c[2]]));
      const py = sorted(expected.changes);
      if (show(js) !== show(py)) bad.push(`${date} changes of the day: browser ${show(js)}, python ${show(py)}`);
    }
    assert.equal(bad.length, 0, `${bad.length} disagreements:\n` + bad.slice(0, 60).join("\n"));
    t.diagnostic(`${cases.length} days: the same changes`);
  });
});
