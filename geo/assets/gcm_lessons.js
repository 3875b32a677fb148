/* Gaza Corridors Map: guided lessons. Ordered steps from layers/lessons/*.json (checked by
 * `python -m geo validate`), each setting the date, the layers, the view and a caption with the
 * facts it rests on. The Lessons tab lists them and, once one runs, shows its step with
 * Previous / Next; the page's state (and so its link) carries the lesson and the step.
 */
var GCMLessons = (function () {
  "use strict";

  /** The lesson and the step (1-based) a link asks for, checked against the lessons there are. */
  function find(lessons, id, step) {
    var lesson = (lessons || []).filter(function (l) { return l.id === id; })[0];
    if (!lesson || !lesson.steps.length) return null;
    var n = typeof step === "number" && isFinite(step) ? Math.round(step) : 1;
    return { lesson: lesson, step: Math.min(Math.max(n, 1), lesson.steps.length) };
  }

  /** A step's title without the month and year it starts with ("May 2024: Rafah ..."), where
   * its day is written before it in the list of steps: the year once, not twice. */
  function undated(step) {
    var m = /^(?:[A-Z][a-z]+ )?(\d{4}): (.+)$/.exec(step.title);
    return m && m[1] === String(step.date).slice(0, 4) ? m[2] : step.title;
  }
  /** ctx: {G, T, apply(step), factBlock(fid), changed()}. */
  function create(ctx) {
    var G = ctx.G, T = ctx.T, fmt = T.fmt, h = GCMDom.h;
    var lessons = Array.isArray(G.lessons) ? G.lessons : [];
    var on = null;  // {lesson, step}

    function go(id, step) {
      var found = find(lessons, id, step);
      if (!found) return false;
      on = found;
      ctx.apply(on.lesson.steps[on.step - 1]);
      ctx.changed();
      return true;
    }
    function stop() {
      on = null;
      ctx.changed();
    }

    function drawList(pane) {
      pane.replaceChildren(
        h("p", { text: fmt("ui.lessons_intro") }),
        h("ul", { class: "gcm-lesson-list" }, lessons.map(function (l) {
          return h("li", null,
            h("h2", { text: l.title }),
            h("p", { text: l.summary }),
            h("button", { type: "button", class: "gcm-btn gcm-lesson-start", onclick: function () { go(l.id, 1); focusStep(pane); } },
              fmt("ui.lesson_start", { n: l.steps.length })));
        })));
    }
    function focusStep(pane) {
      var head = pane.querySelector(".gcm-step-title");
      if (head) head.focus();
    }
    function drawStep(pane) {
      var l = on.lesson, i = on.step, s = l.steps[i - 1];
      var prev = h("button", { type: "button", class: "gcm-btn", disabled: i <= 1, onclick: function () { go(l.id, i - 1); focusStep(pane); } }, "◀ " + fmt("ui.lesson_prev"));
      var next = h("button", { type: "button", class: "gcm-btn", disabled: i >= l.steps.length, onclick: function () { go(l.id, i + 1); focusStep(pane); } }, fmt("ui.lesson_next") + " ▶");
      // The reader moved the date or the layers away from the step: say so, offer the way back.
      var away = ctx.offStep && ctx.offStep() ? h("div", { class: "gcm-notice-box gcm-lesson-away" },
        fmt("ui.lesson_away", { date: T.day(s.date) }), " ",
        h("button", { type: "button", class: "gcm-btn", onclick: function () { go(l.id, i); focusStep(pane); } }, fmt("ui.lesson_back"))) : null;
      pane.replaceChildren(
        h("p", { class: "gcm-lesson-head" }, h("strong", { text: l.title }), " · ", fmt("ui.lesson_step", { n: i, of: l.steps.length })),
        away || "",
        h("div", { class: "gcm-share-row gcm-lesson-nav" }, prev, next,
          h("button", { type: "button", class: "gcm-btn", onclick: function () { stop(); } }, fmt("ui.lesson_leave"))),
        h("h2", { class: "gcm-step-title", tabindex: "-1", text: s.title }),
        h("p", { class: "gcm-step-date", text: fmt("ui.lesson_date", { date: T.day(s.date) }) }),
        h("p", { class: "gcm-step-caption", text: s.caption }),
        h("h3", { class: "gcm-sub", text: fmt("ui.lesson_sources") }),
        h("ol", { class: "gcm-sources" }, s.facts.map(function (fid) { return h("li", null, ctx.factBlock(fid)); })),
        h("h3", { class: "gcm-sub", text: fmt("ui.lesson_steps") }),
        h("ol", { class: "gcm-step-list" }, l.steps.map(function (x, k) {
          return h("li", null, h("button", { type: "button", class: "gcm-linkbtn", "aria-current": k + 1 === i ? "step" : null,
            onclick: function () { go(l.id, k + 1); focusStep(pane); } }, T.day(x.date) + ": " + undated(x)));
        })));
    }
    function draw(pane) {
      if (on) drawStep(pane); else drawList(pane);
    }
    return {
      draw: draw, go: go, stop: stop, any: lessons.length > 0,
      current: function () { return on ? { lesson: on.lesson.id, step: on.step } : null; },
      step: function () { return on ? on.lesson.steps[on.step - 1] : null; }
    };
  }
  return { create: create, find: find, undated: undated };
})();
if (typeof module !== "undefined") module.exports = GCMLessons;
