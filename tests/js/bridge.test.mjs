// How the bridge (geo/assets/bridge.js) gets the map page: fetched from static/ once per page,
// gzipped where the browser can unpack it, and again after a failure; with Node's runner and a
// stand-in for the browser's fetch (Node's own Response and DecompressionStream do the rest).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { gzipSync } from "node:zlib";

globalThis.document = { baseURI: "http://127.0.0.1:8501/" };
const asked = [];
let fail = false;
let unpackedOnTheWay = false;  // a proxy that sent the .gz file's content already unpacked
globalThis.fetch = async (url) => {
  url = String(url);
  asked.push(url);
  if (fail) return new Response("", { status: 404 });
  const plain = "fetched " + url.replace(/\.gz$/, "");
  return new Response(url.endsWith(".gz") && !unpackedOnTheWay ? gzipSync(plain) : plain);
};
const load = (name) =>
  import("data:text/javascript," + encodeURIComponent(readFileSync(new URL("../../geo/assets/" + name, import.meta.url), "utf-8")));
const bridge = await load("bridge.js");
const page = (h) => ({ hash: h, url: `app/static/gcm-${h}.html`, packed: `app/static/gcm-${h}.html.gz` });
const PLAIN = (h) => `http://127.0.0.1:8501/app/static/gcm-${h}.html`;

test("a fetched page is asked for once per page, and again after a failure", async () => {
  asked.length = 0;
  const d = { hash: "d4", url: "app/static/gcm-d4.html" };
  assert.equal(await bridge.fetchPage(d), await bridge.fetchPage(d));
  assert.equal(asked.length, 1);
  fail = true;
  const e = { hash: "e5", url: "app/static/gcm-e5.html" };
  await assert.rejects(bridge.fetchPage(e), /HTTP 404/);
  fail = false;
  assert.equal(await bridge.fetchPage(e), "fetched " + PLAIN("e5"));
  assert.equal(asked.length, 3);
});

test("the gzipped page is fetched and unpacked: one request, the plain page's text", async () => {
  asked.length = 0;
  assert.equal(await bridge.fetchPage(page("a1")), "fetched " + PLAIN("a1"));
  assert.deepEqual(asked, [PLAIN("a1") + ".gz"]);
});

test("a .gz that arrives unpacked (a proxy did it) falls back to the plain page", async () => {
  asked.length = 0;
  unpackedOnTheWay = true;
  try {
    assert.equal(await bridge.fetchPage(page("b2")), "fetched " + PLAIN("b2"));
  } finally {
    unpackedOnTheWay = false;
  }
  assert.deepEqual(asked, [PLAIN("b2") + ".gz", PLAIN("b2")]);
});

test("without DecompressionStream (an older browser) the plain page is fetched", async () => {
  asked.length = 0;
  const saved = globalThis.DecompressionStream;
  globalThis.DecompressionStream = undefined;
  try {
    assert.equal(await bridge.fetchPage(page("c3")), "fetched " + PLAIN("c3"));
  } finally {
    globalThis.DecompressionStream = saved;
  }
  assert.deepEqual(asked, [PLAIN("c3")]);
});
