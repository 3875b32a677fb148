// Finding a lesson's step from a link (geo/assets/gcm_lessons.js), with Node's runner.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const L = require("../../geo/assets/gcm_lessons.js");
const lessons = [{ id: "a", steps: [{ date: "2024-01-01" }, { date: "2024-02-01" }, { date: "2024-03-01" }] }, { id: "empty", steps: [] }];

test("a link's step is found, and a step out of range is brought inside", () => {
  assert.equal(L.find(lessons, "a", 2).step, 2);
  assert.equal(L.find(lessons, "a", 0).step, 1);
  assert.equal(L.find(lessons, "a", 99).step, 3);
  assert.equal(L.find(lessons, "a", undefined).step, 1);
  assert.equal(L.find(lessons, "a", NaN).step, 1);
  assert.equal(L.find(lessons, "a", 2.6).step, 3);
});

test("an unknown or empty lesson is no lesson", () => {
  assert.equal(L.find(lessons, "b", 1), null);
  assert.equal(L.find(lessons, "empty", 1), null);
  assert.equal(L.find(undefined, "a", 1), null);
  assert.equal(L.find(lessons, "__proto__", 1), null);
});

test("a step listed after its day does not repeat its year", () => {
  assert.equal(L.undated({ date: "2005-09-12", title: "2005: the Philadelphi protocol" }), "the Philadelphi protocol");
  assert.equal(L.undated({ date: "2024-05-29", title: "May 2024: Rafah and the Philadelphi Corridor" }), "Rafah and the Philadelphi Corridor");
  assert.equal(L.undated({ date: "2024-05-29", title: "2023: an earlier year stays" }), "2023: an earlier year stays");
  assert.equal(L.undated({ date: "2024-05-29", title: "Rafah" }), "Rafah");
});
