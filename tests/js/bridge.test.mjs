// How the bridge (geo/assets/bridge.js) gets the map page: fetched from static/ once per page,
// and again after a failure, with Node's runner and a stand-in for the browser's fetch.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

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
