// Links, embed snippets and citations of a view (geo/assets/gcm_share.js), with Node's runner.
// The cases in share_cases.json are also checked against geo.urlstate.View.to_params (Python),
// so a link made in the browser and one made by the app are the same link.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const S = require("../../geo/assets/gcm_share.js");
const { cases } = JSON.parse(readFileSync(new URL("./share_cases.json", import.meta.url), "utf-8"));

test("a view's parameters are the ones Python writes", () => {
  for (const c of cases) {
    assert.deepEqual(S.params(c.state, { version: c.version }), c.params, JSON.stringify(c.state));
  }
});

test("a link round-trips through URLSearchParams", () => {
  for (const c of cases) {
    const url = new URL(S.link("https://example.org/app/", c.state, { version: c.version }));
    assert.equal(url.origin + url.pathname, "https://example.org/app/");
    assert.deepEqual([...url.searchParams], c.params);
  }
});

test("off-line (no address) there is no link and no snippet", () => {
  assert.equal(S.link(null, cases[0].state), null);
  assert.equal(S.snippet(null, cases[0].state, { title: "t" }), null);
});

test("the embed snippet: titled iframe with embed=true, full width, and a plain link", () => {
  const html = S.snippet("https://example.org/", cases[1].state, { version: "0123456789ab", title: 'Map "as of" <22 Aug>', linkText: "Open" });
  assert.match(html, /^<iframe src="https:\/\/example\.org\/\?date=2024-08-22&amp;layers=demands&amp;actors=Egypt,Hamas&amp;view=31\.3000,34\.3000,12&amp;v=0123456789ab&amp;embed=true" /);
  assert.match(html, / title="Map &quot;as of&quot; &lt;22 Aug&gt;" width="100%" height="640"/);
  assert.match(html, /<p><a href="https:\/\/example\.org\/\?date=2024-08-22&amp;[^"]*v=0123456789ab">Open<\/a><\/p>$/);
  assert.doesNotMatch(html.split("<p>")[1], /embed=true/);  // the fallback opens the full map
});

test("hostile parts of a state cannot break out of the snippet's attributes", () => {
  const state = { date: "2024-08-22", overlays: ["presence", "demands"], actors: ['"><script>alert(1)</script>'], view: null };
  const html = S.snippet("https://example.org/", state, { title: '"><img src=x onerror=alert(1)>' });
  assert.doesNotMatch(html, /<script|<img/);
});

test("the citation fills the APA templates, with or without a link", () => {
  const fmt = (key, v) => ({
    "share.citation": `${v.author}. (${v.year}). ${v.title}: View as of ${v.date} (data version ${v.version}) [Data set].`,
    "share.citation_retrieved": `Retrieved ${v.accessed}, from ${v.link}`,
    "ui.cite_line_offline": `${v.author} ${v.date} saved copy`,
  })[key];
  const vars = { author: "A", year: "2026", title: "T", date: "22 August 2024", version: "abc123", link: "https://x/?date=2024-08-22", accessed: "2 December 2026" };
  assert.equal(S.citation(fmt, vars), "A. (2026). T: View as of 22 August 2024 (data version abc123) [Data set]. Retrieved 2 December 2026, from https://x/?date=2024-08-22");
  assert.equal(S.citation(fmt, { ...vars, link: "" }), "A 22 August 2024 saved copy");
});

test("a standalone copy reads its own address as the app reads a link", () => {
  const G = { actors: { Egypt: {}, Hamas: {}, IDF: {} }, lessons: [{ id: "corridors", steps: [{}, {}] }], version: "abcdef123456" };
  for (const c of cases) {
    const search = "?" + new URLSearchParams(c.params).toString();
    const got = S.fromQuery(search, { ...G, version: c.version || G.version });
    assert.deepEqual(got.warnings, [], search);
    assert.equal(got.view.date, c.state.date);
    if (c.state.actors) assert.deepEqual(got.view.actors, c.state.actors);
    if (c.state.view) assert.deepEqual(got.view.view, c.state.view.map(Number).map((x, i) => i < 2 ? Number(x.toFixed(4)) : x));
  }
  const bad = S.fromQuery("?date=2024-02-30&layers=tanks&actors=Narnia&view=0,0,0&lesson=nope&v=<b>&embed=true", G);
  assert.deepEqual(bad.warnings.map((w) => w[0]), ["url.bad_date", "url.bad_layers", "url.bad_actors", "url.bad_view", "url.bad_lesson", "url.bad_version"]);
  assert.deepEqual(bad.view, {});
  assert.equal(bad.embed, true);
  assert.deepEqual(S.fromQuery("?v=0123456789ab", G).warnings, [["share.version_changed", "0123456789ab"]]);
  assert.deepEqual(S.fromQuery("?actors=__proto__", G).warnings[0][0], "url.bad_actors");
  assert.equal(S.fromQuery("?lesson=corridors&step=x", G).view.step, 1);
});
