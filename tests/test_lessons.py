"""Guided lessons: one small lesson file per rule, each problem naming file, step and field;
the bundled lessons checked by invariants only."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import geo
from geo.cli import main
from geo.lessons import lesson_warnings, load_lessons, payload
from geo.settings import LESSON_TEXT_MAX, LESSON_TITLE_MAX
from geo.urlstate import LAT_RANGE, LON_RANGE, OVERLAYS, ZOOM_RANGE
from geo.validate import write_manifest
from tests.conftest import LAYERS, LayersCopy

FILE = "lessons/lesson.json"


def minimal(*steps: dict[str, Any]) -> dict[str, Any]:
    """A valid lesson; each step is the valid step below with the given fields changed."""
    base = {"title": "Rafah", "date": "2024-05-29", "caption": "The IDF said...", "facts": ["T018"]}
    return {
        "title": "A lesson",
        "summary": "What it shows.",
        "language": "en",
        "steps": [{**base, **s} for s in (steps or ({},))],
    }


def write(folder: Path, content: object, name: str = "lesson.json") -> None:
    (folder / "lessons").mkdir(exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    (folder / "lessons" / name).write_text(text, encoding="utf-8")


def check(tmp_path: Path, bundle: geo.Bundle, content: object, name: str = "lesson.json") -> list[str]:
    write(tmp_path, content, name)
    _, problems = load_lessons(tmp_path, bundle)
    return [str(p) for p in problems]


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda lesson: lesson.pop(key)


def _set(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda lesson: lesson.__setitem__(key, value)


def _step(**changes: object) -> Callable[[dict[str, Any]], None]:
    return lambda lesson: lesson["steps"][0].update(changes)


def _step_drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda lesson: lesson["steps"][0].pop(key)


STEP = re.escape(FILE) + r", step 1, "
RULES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("title missing", _drop("title"), re.escape(FILE) + r", field title: is required"),
    ("title empty", _set("title", "  "), re.escape(FILE) + r", field title='  ': must be text, not empty"),
    (
        "title too long",
        _set("title", "x" * (LESSON_TITLE_MAX + 1)),
        r"field title=.*characters long; at most",
    ),
    ("summary not text", _set("summary", 3), re.escape(FILE) + r", field summary='3': must be text"),
    ("summary missing", _drop("summary"), r"field summary: is required"),
    ("language missing", _drop("language"), r"field language: is required: en"),
    ("language unknown", _set("language", "fr"), r"field language='fr': must be one of: en"),
    (
        "unknown lesson field",
        _set("titel", "x"),
        re.escape(FILE) + r", field titel: unknown field \(check the",
    ),
    ("steps missing", _drop("steps"), r"field steps: is required"),
    ("steps empty", _set("steps", []), r"field steps='\[\]': must be a list of at least one step"),
    ("steps not a list", _set("steps", {"title": "x"}), r"field steps=.*must be a list of at least one step"),
    ("step not an object", _set("steps", ["x"]), STEP.removesuffix(", ") + r": must be an object"),
    ("unknown step field", _step(captoin="x"), STEP + r"field captoin: unknown field"),
    ("step title missing", _step_drop("title"), STEP + r"field title: is required"),
    ("date missing", _step_drop("date"), STEP + r"field date: is required \(YYYY-MM-DD\)"),
    ("date form", _step(date="29/05/2024"), STEP + r"field date='29/05/2024': is not a date in the form"),
    ("date not text", _step(date=20240529), STEP + r"field date='20240529': is not a date in the form"),
    ("date unreal", _step(date="2024-02-30"), STEP + r"field date='2024-02-30': is not a real calendar date"),
    (
        "date before the data",
        _step(date="1999-01-01", facts=[]),
        STEP + r"field date='1999-01-01': lies outside",
    ),
    (
        "layers unknown",
        _step(layers=["roads"]),
        STEP + r"field layers='roads': is not a layer; the layers are",
    ),
    ("layers not a list", _step(layers="presence"), STEP + r"field layers='presence': must be a list"),
    (
        "actors unknown",
        _step(actors=["Atlantis"]),
        STEP + r"field actors='Atlantis': names no party in actors",
    ),
    ("actors not names", _step(actors=[1]), STEP + r"field actors='\[1\]': must be a list of names"),
    ("view not an object", _step(view="rafah"), STEP + r"field view='rafah': must be \{\"zone\""),
    ("view empty", _step(view={}), STEP + r"field view='\{\}': must be"),
    (
        "view zone unknown",
        _step(view={"zone": "atlantis"}),
        STEP + r"field view.zone='atlantis': names no zone",
    ),
    (
        "view zone and center",
        _step(view={"zone": "philadelphi", "center": [31.3, 34.3], "zoom": 12}),
        STEP + r"field view=.*give a zone, or a center and zoom, not both",
    ),
    (
        "view unknown key",
        _step(view={"zone": "philadelphi", "bbox": 1}),
        STEP + r"field view.bbox: unknown field",
    ),
    ("view zoom missing", _step(view={"center": [31.3, 34.3]}), STEP + r"field view.zoom: is required"),
    ("view center missing", _step(view={"zoom": 12}), STEP + r"field view.center: is required"),
    (
        "center not two numbers",
        _step(view={"center": [31.3], "zoom": 12}),
        STEP + r"field view.center='\[31.3\]': must be \[latitude, longitude\], two numbers",
    ),
    (
        "center not numbers",
        _step(view={"center": ["31.3", True], "zoom": 12}),
        STEP + r"field view.center=.*two numbers",
    ),
    (
        "center outside the region",
        _step(view={"center": [LAT_RANGE[1] + 1, 34.3], "zoom": 12}),
        STEP + r"field view.center=.*lies outside the region \(latitude",
    ),
    (
        "center in GeoJSON order",
        _step(view={"center": [34.3, 31.3], "zoom": 12}),
        STEP + r"field view.center='\[34.3, 31.3\]': lies outside the region .*\[longitude, latitude\]",
    ),
    (
        "zoom out of range",
        _step(view={"center": [31.3, 34.3], "zoom": ZOOM_RANGE[1] + 1}),
        STEP + r"field view.zoom=.*must be a number from",
    ),
    (
        "zoom not a number",
        _step(view={"center": [31.3, 34.3], "zoom": True}),
        STEP + r"field view.zoom='true'",
    ),
    ("caption missing", _step_drop("caption"), STEP + r"field caption: is required"),
    ("caption empty", _step(caption=""), STEP + r"field caption: must be text, not empty"),
    (
        "caption too long",
        _step(caption="x" * (LESSON_TEXT_MAX + 1)),
        STEP + rf"field caption=.*is {LESSON_TEXT_MAX + 1} characters long; at most {LESSON_TEXT_MAX}",
    ),
    ("facts missing", _step_drop("facts"), STEP + r"field facts: is required"),
    ("facts empty", _step(facts=[]), STEP + r"field facts='\[\]': must list at least one fact id"),
    ("facts not a list", _step(facts="T018"), STEP + r"field facts='T018': must be a list"),
    (
        "fact unknown",
        _step(facts=["T999999"]),
        STEP + r"field facts='T999999': names no fact in timeline.csv",
    ),
    ("fact twice", _step(facts=["T018", "T018"]), STEP + r"field facts='T018': is listed twice"),
    (
        "fact from the step's future",
        _step(date="2024-05-28"),
        STEP
        + r"field facts='T018': is dated 2024-05-29, after the step's date 2024-05-28: a caption cannot rest",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_each_rule_names_file_step_and_field(
    tmp_path: Path, bundle: geo.Bundle, mutate: Callable[[dict[str, Any]], None], expected: str
) -> None:
    lesson = minimal()
    mutate(lesson)
    found = check(tmp_path, bundle, lesson)
    assert any(re.search(expected, p) for p in found), found


def test_a_valid_minimal_lesson_loads_with_its_defaults(tmp_path: Path, bundle: geo.Bundle) -> None:
    write(tmp_path, minimal())
    lessons, problems = load_lessons(tmp_path, bundle)
    assert problems == []
    [lesson] = lessons
    assert (lesson.id, lesson.file, lesson.language) == ("lesson", FILE, "en")
    [step] = lesson.steps
    assert step.overlays == OVERLAYS and step.actors is None
    assert (step.zone, step.center, step.zoom) == (None, None, None)
    assert step.facts == ("T018",) and step.date.isoformat() == "2024-05-29"


def test_a_step_may_cite_a_fact_of_its_own_day_and_texts_at_the_limit(
    tmp_path: Path, bundle: geo.Bundle
) -> None:
    edge = minimal({"caption": "x" * LESSON_TEXT_MAX, "title": "t" * LESSON_TITLE_MAX})
    assert check(tmp_path, bundle, edge) == []


def test_the_last_day_of_the_data_is_in_range_and_the_next_is_not(tmp_path: Path, bundle: geo.Bundle) -> None:
    last = bundle.data_as_of
    assert check(tmp_path, bundle, minimal({"date": last.isoformat()})) == []
    after = (last + timedelta(days=1)).isoformat()
    found = check(tmp_path, bundle, minimal({"date": after}))
    assert found == [f"{FILE}, step 1, field date={after!r}: lies outside the data, which runs from "
                     f"{bundle.data_from} to {last}"]  # fmt: skip


def test_a_zone_the_map_does_not_draw_cannot_be_fitted(tmp_path: Path, bundle: geo.Bundle) -> None:
    unmapped = [z.id for z in bundle.zones.values() if not z.mapped]
    if not unmapped:
        pytest.skip("every zone of the bundled data is drawn")
    found = check(tmp_path, bundle, minimal({"view": {"zone": unmapped[0]}}))
    assert found == [
        f"{FILE}, step 1, field view.zone={unmapped[0]!r}: is not drawn on the map, so it cannot be fitted: "
        "give a center and zoom"
    ]


def test_the_fault_is_named_by_its_step(tmp_path: Path, bundle: geo.Bundle) -> None:
    lesson = minimal({}, {"date": "2024-08-22"}, {"date": "2024-09-04", "layers": ["roads"]})
    assert check(tmp_path, bundle, lesson) == [
        f"{FILE}, step 3, field layers='roads': is not a layer; the layers are: presence, demands"
    ]


def test_every_problem_of_a_lesson_is_reported_in_one_pass(tmp_path: Path, bundle: geo.Bundle) -> None:
    lesson = minimal({"date": "2024-05-28", "actors": ["Atlantis"]}, {"caption": ""})
    del lesson["summary"]
    found = check(tmp_path, bundle, lesson)
    assert len(found) == 4, found
    assert {p.split(", field")[0] for p in found} == {FILE, f"{FILE}, step 1", f"{FILE}, step 2"}


def test_a_file_that_is_not_json_or_not_an_object(tmp_path: Path, bundle: geo.Bundle) -> None:
    [found] = check(tmp_path, bundle, '{"title": "x",}')
    assert found.startswith(f"{FILE}, line 1 column 15: not valid JSON (")  # the words vary by Python
    assert check(tmp_path, bundle, "[1, 2]") == [
        f"{FILE}: must be a JSON object with title, summary, language and steps"
    ]


def test_the_file_name_is_an_id_for_links(tmp_path: Path, bundle: geo.Bundle) -> None:
    found = check(tmp_path, bundle, minimal(), name="my lesson.json")
    assert found == [
        "lessons/my lesson.json: the file's name is the lesson's id in links: "
        "use 1-64 letters, digits, '_', '.' or '-'"
    ]


def test_only_json_files_are_lessons_and_a_missing_folder_is_none(tmp_path: Path, bundle: geo.Bundle) -> None:
    assert load_lessons(tmp_path, bundle) == ([], [])
    write(tmp_path, "notes, not a lesson", name="README.md")
    write(tmp_path, "{", name=".draft.json")
    assert load_lessons(tmp_path, bundle) == ([], [])


def test_a_lessons_file_instead_of_a_folder(tmp_path: Path, bundle: geo.Bundle) -> None:
    (tmp_path / "lessons").write_text("x", encoding="utf-8")
    _, problems = load_lessons(tmp_path, bundle)
    assert [str(p) for p in problems] == ["lessons: must be a folder of lesson files (*.json)"]


def test_lessons_come_in_file_name_order_and_a_broken_one_is_left_out(
    tmp_path: Path, bundle: geo.Bundle
) -> None:
    write(tmp_path, minimal(), name="b.json")
    write(tmp_path, minimal(), name="a.json")
    write(tmp_path, minimal({"facts": []}), name="c.json")
    lessons, problems = load_lessons(tmp_path, bundle)
    assert [lesson.id for lesson in lessons] == ["a", "b"]
    assert [p.file for p in problems] == ["lessons/c.json"]


def test_layers_are_kept_in_the_maps_order_and_actors_once(tmp_path: Path, bundle: geo.Bundle) -> None:
    actor = next(iter(bundle.actors))
    write(tmp_path, minimal({"layers": [*reversed(OVERLAYS), OVERLAYS[0]], "actors": [actor, actor]}))
    [lesson], _ = load_lessons(tmp_path, bundle)
    assert lesson.steps[0].overlays == OVERLAYS
    assert lesson.steps[0].actors == (actor,)
    write(tmp_path, minimal({"layers": [], "actors": []}))
    [lesson], _ = load_lessons(tmp_path, bundle)
    assert (lesson.steps[0].overlays, lesson.steps[0].actors) == ((), ())


def test_steps_going_back_in_time_are_a_warning_not_an_error(tmp_path: Path, bundle: geo.Bundle) -> None:
    write(tmp_path, minimal({"date": "2024-08-22"}, {"date": "2024-05-30"}, {"date": "2024-06-01"}))
    lessons, problems = load_lessons(tmp_path, bundle)
    assert problems == []
    assert lesson_warnings(replace(bundle, lessons=tuple(lessons))) == [
        f"{FILE}, step 2, field date='2024-05-30': is before step 1's date (2024-08-22): "
        "the lesson goes back in time (fine if meant)"
    ]
    write(tmp_path, minimal({"date": "2024-05-30"}, {"date": "2024-05-30"}, {"date": "2024-08-22"}))
    lessons, _ = load_lessons(tmp_path, bundle)
    assert lesson_warnings(replace(bundle, lessons=tuple(lessons))) == []


def test_payload_is_the_json_the_browser_reads(tmp_path: Path, bundle: geo.Bundle) -> None:
    actor = next(iter(bundle.actors))
    lesson = minimal(
        {"view": {"zone": "philadelphi"}, "layers": ["demands"], "actors": [actor]},
        {"view": {"center": [31.3, 34.3], "zoom": 12}},
        {},
    )
    write(tmp_path, lesson)
    lessons, _ = load_lessons(tmp_path, bundle)
    data = payload(replace(bundle, lessons=tuple(lessons)))
    assert json.loads(json.dumps(data)) == data
    [one] = data
    assert set(one) == {"id", "title", "summary", "language", "steps"}
    assert (one["id"], one["title"]) == ("lesson", "A lesson")
    first, second, third = one["steps"]
    assert first == {
        "title": "Rafah",
        "date": "2024-05-29",
        "overlays": ["demands"],
        "actors": [actor],
        "view": {"zone": "philadelphi"},
        "caption": "The IDF said...",
        "facts": ["T018"],
    }
    assert second["view"] == {"center": [31.3, 34.3], "zoom": 12.0}
    assert (third["view"], third["actors"], third["overlays"]) == (None, None, list(OVERLAYS))


# The bundled lessons: invariants only, never today's counts.


def test_the_bundled_lessons_load_with_no_problems(bundle: geo.Bundle) -> None:
    lessons, problems = load_lessons(LAYERS, bundle)
    assert problems == []
    files = sorted(p.stem for p in (LAYERS / "lessons").glob("*.json"))
    assert [lesson.id for lesson in lessons] == files
    assert [lesson.id for lesson in bundle.lessons] == files
    assert lesson_warnings(bundle) == []


def test_every_bundled_step_rests_on_facts_standing_by_its_day(bundle: geo.Bundle) -> None:
    for lesson in bundle.lessons:
        assert lesson.steps, lesson.id
        for n, step in enumerate(lesson.steps, start=1):
            where = f"{lesson.file}, step {n}"
            assert bundle.data_from <= step.date <= bundle.data_as_of, where
            assert step.facts, where
            for fid in step.facts:
                assert bundle.fact(fid).date <= step.date, f"{where}: {fid}"
            assert step.zone is None or bundle.zones[step.zone].mapped, where
            assert all(a in bundle.actors for a in step.actors or ()), where
            assert set(step.overlays) <= set(OVERLAYS), where
            assert 0 < len(step.caption) <= LESSON_TEXT_MAX, where
            if step.center is not None:
                assert LAT_RANGE[0] <= step.center[0] <= LAT_RANGE[1], where
                assert LON_RANGE[0] <= step.center[1] <= LON_RANGE[1], where


def test_a_bundled_lesson_that_names_philadelphi_also_names_salah_al_din(bundle: geo.Bundle) -> None:
    for lesson in bundle.lessons:
        text = " ".join([lesson.title, lesson.summary, *(s.caption for s in lesson.steps)])
        if "Philadelphi" in text:
            assert "Salah al-Din" in text, lesson.file


def test_the_bundled_payload_matches_the_bundle(bundle: geo.Bundle) -> None:
    data = payload(bundle)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert [d["id"] for d in data] == [lesson.id for lesson in bundle.lessons]
    for d, lesson in zip(data, bundle.lessons, strict=True):
        assert [s["facts"] for s in d["steps"]] == [list(s.facts) for s in lesson.steps]


# The layers folder: validate, manifest and the command line.


def test_lessons_are_not_in_the_manifest_and_need_no_manifest_run(layers_copy: LayersCopy) -> None:
    write(layers_copy.root, minimal(), name="new.json")
    assert layers_copy.problems() == []
    assert write_manifest(layers_copy.root) == []  # nothing to refresh: lessons are not listed
    manifest = json.loads((layers_copy.root / "manifest.json").read_text(encoding="utf-8"))
    assert not [e for e in manifest["files"] if e["file"].startswith("lessons")]


def test_a_manifest_entry_for_a_lesson_is_flagged_and_dropped_by_geo_manifest(
    layers_copy: LayersCopy,
) -> None:
    path = layers_copy.root / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    entry = copy.deepcopy(manifest["files"][0])
    entry["file"] = "lessons/corridors.json"
    manifest["files"].append(entry)
    path.write_text(json.dumps(manifest), encoding="utf-8")
    found = layers_copy.problems()
    assert len(found) == 1 and found[0].startswith("manifest.json, entry ")
    assert "field file='lessons/corridors.json': lessons are not listed in the manifest" in found[0]
    write_manifest(layers_copy.root)
    assert layers_copy.problems() == []


def test_a_broken_lesson_stops_the_bundle_like_any_bad_data(layers_copy: LayersCopy) -> None:
    write(layers_copy.root, minimal({}, {"facts": ["T999999"]}), name="broken.json")
    with pytest.raises(geo.ValidationError) as e:
        geo.load_bundle(layers_copy.root)
    assert [str(p) for p in e.value.problems] == [
        "lessons/broken.json, step 2, field facts='T999999': names no fact in timeline.csv"
    ]


def test_geo_validate_exits_1_and_names_the_step(
    layers_copy: LayersCopy, capsys: pytest.CaptureFixture[str]
) -> None:
    write(layers_copy.root, minimal({}, {"date": "2024-05-28"}), name="broken.json")
    assert main(["validate", str(layers_copy.root), "--today", "2026-11-24"]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "lessons/broken.json, step 2, field facts='T018': is dated 2024-05-29, after the step's date "
        "2024-05-28: a caption cannot rest on a fact from its future"
    ]
    assert "Traceback" not in out.err


def test_geo_validate_warns_of_steps_out_of_order_and_exits_0(
    layers_copy: LayersCopy, capsys: pytest.CaptureFixture[str]
) -> None:
    write(layers_copy.root, minimal({"date": "2024-08-22"}, {}), name="backwards.json")
    today = (geo.load_bundle(layers_copy.root).data_as_of + timedelta(days=1)).isoformat()
    assert main(["validate", str(layers_copy.root), "--today", today]) == 0
    out = capsys.readouterr()
    assert re.search(r"OK \(.*\d+ lesson", out.out)
    assert out.err.splitlines() == [
        "warning: lessons/backwards.json, step 2, field date='2024-05-29': is before step 1's date "
        "(2024-08-22): the lesson goes back in time (fine if meant)"
    ]


def test_the_readme_example_lesson_is_valid(tmp_path: Path, bundle: geo.Bundle) -> None:
    readme = (LAYERS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Write a lesson", 1)[1]
    example = section.split("```json\n", 1)[1].split("```", 1)[0]
    write(tmp_path, example, name="rafah.json")
    lessons, problems = load_lessons(tmp_path, bundle)
    assert problems == [] and [lesson.id for lesson in lessons] == ["rafah"]
