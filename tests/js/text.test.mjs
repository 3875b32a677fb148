// The words of the page (geo/assets/gcm_text.js), with Node's built-in test runner.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const X = require("../../geo/assets/gcm_text.js");

// The month names come from the locale file itself, as Python's geo.report reads them.
const LOCALE = JSON.parse(readFileSync(new URL("../../geo/locale/en.json", import.meta.url), "utf-8"));
const MONTHS = Object.fromEntries(Object.entries(LOCALE).filter(([k]) => /^month(_long)?\.\d+$/.test(k)));
const G = {
  strings: {
    ...MONTHS,
    "ui.says": "{actor}: {position}",
    "ui.present": "{actor}: present",
    "ui.present_status": "{actor}: {status}",
    "ui.since": "since {date}",
    "ui.stated": "stated {date}",
    "ui.met": "met: the withdrawal happened on {date}",
    "ui.aged": "last stated {date}, {age} ago",
    "position.withdraw": "Israeli forces should withdraw",
    "status.expanded": "present, area expanded",
    "age.months": "{n} months",
    "age.years": "{n} years",
    "ui.thousands_sep": ",",
  },
  actors: { Egypt: { name: "Egypt", short: "Egypt" }, IDF: { name: "Israel Defense Forces (IDF)", short: "IDF" } },
  zones: {},
  facts: {},
};
const T = X.make(G, "en");

test("only http(s) addresses become links", () => {
  assert.equal(X.safeUrl("https://example.org/a?b=c"), "https://example.org/a?b=c");
  assert.equal(X.safeUrl("HTTP://example.org"), "HTTP://example.org");
  assert.equal(X.safeUrl("https://user@example.org/ü"), "https://user@example.org/ü");
  const bads = ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x", "//example.org",
    "/relative", "https:///x", "https:/x", "https://a b", "https://a.org/\u200bx", "https://a.org/\u0001", "", null, 3];
  for (const bad of bads) {
    assert.equal(X.safeUrl(bad), null, String(bad));
  }
});

test("a demand says who asks what of whom, with its day", () => {
  const row = ["philadelphi", "Egypt", "2024-08-22", null, "withdraw", "T029", "2024-08-22", ["T029"], "in_force", "2024-08-22", null, null];
  assert.deepEqual(T.demand(row, "2024-09-01"), ["Egypt: Israeli forces should withdraw", "stated 22 Aug 2024", null]);
  const met = row.slice(); met[10] = "2025-10-10";
  assert.equal(T.demand(met, "2025-10-11")[1], "stated 22 Aug 2024; met: the withdrawal happened on 10 Oct 2025");
});

test("an aged demand gives its age as geo.report.age_words does", () => {
  const row = ["z", "Egypt", "2025-08-22", null, "withdraw", "T1", "2024-06-22", ["T1"], "aged", "2024-06-22", null, null];
  assert.deepEqual(T.demand(row, "2025-08-22"), ["Egypt: Israeli forces should withdraw", "last stated 22 Jun 2024, 14 months ago", null]);
  assert.equal(T.age("2024-01-01", "2026-03-01"), "2 years"); // 26 months
  assert.equal(T.age("2024-01-01", "2025-12-01"), "23 months");
});

test("an age is counted to the data's last day at most, as geo.timeline counts it", () => {
  const T2 = X.make({ ...G, dataAsOf: "2025-08-22" }, "en");
  assert.equal(T2.age("2024-06-22", "2027-01-05"), "14 months");
  assert.equal(T2.age("2024-06-22", "2025-07-22"), "13 months");
});

test("an 'other' position carries its statement, so it reads without opening", () => {
  const G2 = { ...G, strings: { ...G.strings, "ui.other": "{actor}: another position" }, facts: { T9: { summary: "Egypt proposed a joint force." } } };
  const row = ["z", "Egypt", "2024-01-01", null, "other", "T9", "2024-01-01", ["T9"], "in_force", "2024-01-01", null, null];
  assert.deepEqual(X.make(G2, "en").demand(row, "2024-02-01"), ["Egypt: another position", "stated 1 Jan 2024", "Egypt proposed a joint force."]);
});

test("presence names the force and its status", () => {
  assert.deepEqual(T.presence(["z", "IDF", "2024-05-29", null, "established", "T1", "2024-05-29", [], null]), ["IDF: present", "since 29 May 2024"]);
  assert.equal(T.presence(["z", "IDF", "2024-05-29", null, "expanded", "T1", "2024-05-29", [], null])[0], "IDF: present, area expanded");
});

test("a zone held through the zones within it takes their presence, not a part's status", () => {
  const strings = { ...G.strings, "status.reoccupied": "present again (reoccupied)", "ui.through": "in {zones}" };
  const facts = { T53: { zone: "netzarim" }, T78: { zone: "gaza_strip" } };
  const zones = { netzarim: { name: "Netzarim Corridor" }, gaza_strip: { name: "Gaza Strip" } };
  const T2 = X.make({ ...G, strings, facts, zones }, "en");
  const derived = ["gaza_strip", "IDF", "2025-03-19", null, "reoccupied", "T53", "2023-11-05", ["netzarim"], null];
  assert.deepEqual(T2.presence(derived), ["IDF: present", "in Netzarim Corridor"]);
  const ownReport = ["gaza_strip", "IDF", "2026-03-15", null, "expanded", "T78", "2023-11-05", ["netzarim"], null];
  assert.equal(T2.presence(ownReport)[0], "IDF: present, area expanded");
  const part = ["netzarim", "IDF", "2025-03-19", null, "reoccupied", "T53", "2025-03-19", [], null];
  assert.equal(T2.presence(part)[0], "IDF: present again (reoccupied)");
});

test("a joint statement names every party; an unknown id shows as itself", () => {
  assert.equal(T.actor("IDF+Egypt"), "IDF & Egypt");
  assert.equal(T.actor("Nobody"), "Nobody");
});

test("a missing string shows its key, and {placeholders} never leak", () => {
  assert.equal(T.fmt("no.such.key"), "no.such.key");
  assert.equal(T.fmt("ui.says", { actor: "A" }), "A: ");
});

test("days are written with the locale's month names, as geo.report writes them", () => {
  assert.equal(T.day("2024-09-05"), "5 Sep 2024");  // not "Sept" (Chromium's en-GB)
  assert.equal(T.day("2026-12-31"), "31 Dec 2026");
  assert.equal(T.longDay("2024-08-22"), "22 August 2024");
  assert.equal(T.day(""), "");
  assert.equal(T.day("2024-13"), "");
});

test("whole numbers take the locale's thousands separator", () => {
  assert.equal(T.number(4000), "4,000");
  assert.equal(T.number(999.6), "1,000");
  assert.equal(T.number(1234567), "1,234,567");
  assert.equal(T.number(70), "70");
});

test("days and numbers are written without Intl (its first use costs a fresh page 11-30 ms)", () => {
  const saved = { Intl: globalThis.Intl, num: Number.prototype.toLocaleString, date: Date.prototype.toLocaleDateString };
  const refuse = () => { throw new Error("Intl used"); };
  globalThis.Intl = new Proxy({}, { get: refuse });
  Number.prototype.toLocaleString = refuse;
  Date.prototype.toLocaleDateString = refuse;
  try {
    const W = X.make(G, "en");
    assert.equal(W.day("2024-08-22"), "22 Aug 2024");
    assert.equal(W.longDay("2024-08-22"), "22 August 2024");
    assert.equal(W.number(7000), "7,000");
  } finally {
    globalThis.Intl = saved.Intl;
    Number.prototype.toLocaleString = saved.num;
    Date.prototype.toLocaleDateString = saved.date;
  }
});

test("the announcement of a day past the data says the data ends, as the notice on screen does", () => {
  const strings = { ...G.strings, "ui.announce": "As of {date}.", "map.after_data": "After the last recorded fact ({date})." };
  const T2 = X.make({ ...G, strings, dataAsOf: "2026-06-19" }, "en");
  const s = { date: "2027-01-05", lastChange: "2026-06-19", changes: [], notice: "after" };
  assert.equal(T2.announce(s), "As of 5 Jan 2027. After the last recorded fact (19 Jun 2026).");
  assert.equal(T2.announce({ ...s, date: "2026-01-05", notice: null }), "As of 5 Jan 2026.");
});

test("a position with a gist says what was asked; the table's cell says it too", () => {
  const G2 = { ...G, strings: { ...G.strings, "ui.other": "{actor}: another position", "ui.other_cell": "another position" },
    facts: { T9: { summary: "Egypt insists only Palestinians run the crossing." } } };
  const T2 = X.make(G2, "en");
  const row = ["z", "Egypt", "2024-01-01", null, "other", "T9", "2024-01-01", ["T9"], "in_force", "2024-01-01", null, null,
    "only Palestinian authorities should run the crossing"];
  assert.deepEqual(T2.demand(row, "2024-02-01"), ["Egypt: only Palestinian authorities should run the crossing",
    "stated 1 Jan 2024", "Egypt insists only Palestinians run the crossing."]);
  assert.equal(T2.position(row, row[12]), "only Palestinian authorities should run the crossing");
  const bare = row.slice(0, 12);
  assert.equal(T2.demand(bare, "2024-02-01")[0], "Egypt: another position");
  assert.equal(T2.position(bare, bare[12]), "another position");
  // An overtaken row carries its gist at r[11].
  const old = ["z", "Egypt", "2024-01-01", "2024-05-01", "other", "T9", "2024-01-01", "2024-05-01", "the agreement", null, ["T9"], "a gist"];
  assert.equal(T2.overtaken(old)[0], "Egypt: a gist");
});

test("a fact's end is told only on or after it: a later end is news of a later day", () => {
  const G2 = { ...G, strings: { ...G.strings, "map.fact_meta": "{date} · {confidence} · {fact}", "confidence.high": "high confidence" },
    facts: { T54: { date: "2025-03-19", end_date: "2025-10-10", date_precision: "day", confidence: "high" } } };
  const T2 = X.make(G2, "en");
  assert.equal(T2.factMeta("T54", "2025-03-19"), "19 Mar 2025 · high confidence · T54");
  assert.equal(T2.factMeta("T54", "2025-10-10"), "19 Mar 2025 – 10 Oct 2025 · high confidence · T54");
  assert.equal(T2.factMeta("T54", "2026-01-01"), "19 Mar 2025 – 10 Oct 2025 · high confidence · T54");
});

test("a position not of high confidence says so; what the party also said beside it is told", () => {
  const strings = { ...G.strings, "confidence.medium": "medium confidence", "ui.also_said": "Also said on {date}: {words}." };
  const facts = { T30: { confidence: "medium", summary: "A report." }, T83: { confidence: "high", summary: "Hamas said…" },
    T75: { confidence: "medium", summary: "Hamas rejects foreign guardianship." } };
  const T2 = X.make({ ...G, strings, facts }, "en");
  const row = ["z", "Egypt", "2024-08-22", null, "withdraw", "T30", "2024-08-22", ["T30"], "in_force", "2024-08-22", null, null, null, []];
  assert.deepEqual(T2.demand(row, "2024-09-01"), ["Egypt: Israeli forces should withdraw", "stated 22 Aug 2024; medium confidence", null]);
  const beside = ["z", "Egypt", "2025-12-06", null, "withdraw", "T83", "2025-12-06", ["T83", "T75"], "in_force", "2025-12-06", null, null, null,
    [["T75", "2026-02-15", "no foreign guardianship"]]];
  assert.deepEqual(T2.demand(beside, "2026-03-01"), ["Egypt: Israeli forces should withdraw", "stated 6 Dec 2025",
    "Also said on 15 Feb 2026: no foreign guardianship."]);
  beside[13] = [["T75", "2026-02-15", null]];  // no gist: its statement
  assert.equal(T2.demand(beside, "2026-03-01")[2], "Also said on 15 Feb 2026: Hamas rejects foreign guardianship.");
});

test("a source title the project wrote itself reads as words, then plainly what they are", () => {
  const strings = { ...G.strings, "ui.title_ours": "ours", "ui.title_from_url": "from the address" };
  const T2 = X.make({ ...G, strings }, "en");
  assert.deepEqual(T2.sourceTitle("[headline not captured] Senior Egyptian official warns Israel"), ["Senior Egyptian official warns Israel", "ours"]);
  assert.deepEqual(T2.sourceTitle("[Will Kazakhstan send troops?] (headline not captured; words from the URL)"), ["Will Kazakhstan send troops?", "from the address"]);
  assert.deepEqual(T2.sourceTitle("[Hamas ready to hand over weapons] (headline not captured)"), ["Hamas ready to hand over weapons", "ours"]);
  assert.deepEqual(T2.sourceTitle("Philadelphi agreement signed in Cairo"), ["Philadelphi agreement signed in Cairo", null]);
  assert.deepEqual(T2.sourceTitle("[Brackets] in a real headline"), ["[Brackets] in a real headline", null]);
});
