// How the bridge (geo/assets/bridge.js) gets the map page: carried by the session's first run
// (geo/assets/carrier.js hands it over, before or after the bridge asks), or fetched from
// static/ once per page, with Node's runner and a stand-in for the browser's fetch.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

globalThis.window = globalThis;
globalThis.document = { baseURI: "http://127.0.0.1:8501/" };
const asked = [];
let fail = false;
globalThis.fetch = async (url) => {
  asked.push(String(url));
  if (fail) return { ok: false, status: 404, text: async () => "" };
  return { ok: true, status: 200, text: async () => "fetched " + url };
};
const load = (name) =>
  import("data:text/javascript," + encodeURIComponent(readFileSync(new URL("../../geo/assets/" + name, import.meta.url), "utf-8")));
const bridge = await load("bridge.js");
const carrier = (await load("carrier.js")).default;

test("the carried page reaches a bridge that asked first, with no request", async () => {
  asked.length = 0;
  const page = bridge.carriedPage({ hash: "a1", url: "app/static/gcm-a1.html" }, 1000);
  carrier({ data: { hash: "a1", page: "<html>a1</html>" } });
  assert.equal(await page, "<html>a1</html>");
  assert.deepEqual(asked, []);
  assert.equal(window.__gcmPages.a1, undefined); // not kept once handed over
});

test("the carried page waits for a bridge that asks later", async () => {
  carrier({ data: { hash: "b2", page: "<html>b2</html>" } });
  assert.equal(await bridge.carriedPage({ hash: "b2", url: "app/static/gcm-b2.html" }, 1000), "<html>b2</html>");
  assert.deepEqual(asked, []);
});

test("a page that was not carried in time is fetched from its address", async () => {
  asked.length = 0;
  const text = await bridge.carriedPage({ hash: "c3", url: "app/static/gcm-c3.html" }, 10);
  assert.equal(text, "fetched http://127.0.0.1:8501/app/static/gcm-c3.html");
  assert.deepEqual(asked, ["http://127.0.0.1:8501/app/static/gcm-c3.html"]);
});

test("a fetched page is asked for once per page, and again after a failure", async () => {
  asked.length = 0;
  const d = { hash: "d4", url: "app/static/gcm-d4.html" };
  assert.equal(await bridge.fetchPage(d), await bridge.fetchPage(d));
  assert.equal(asked.length, 1);
  fail = true;
  const e = { hash: "e5", url: "app/static/gcm-e5.html" };
  await assert.rejects(bridge.fetchPage(e), /HTTP 404/);
  fail = false;
  assert.equal(await bridge.fetchPage(e), "fetched http://127.0.0.1:8501/app/static/gcm-e5.html");
  assert.equal(asked.length, 3);
});

test("the carrier ignores data that is not a page", () => {
  carrier({ data: null });
  carrier({ data: { hash: "f6", page: 7 } });
  assert.equal((window.__gcmPages || {}).f6, undefined);
});
