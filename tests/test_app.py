"""The Streamlit app, driven headless with AppTest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def test_app_shows_the_situation_and_follows_the_date() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "Situation on 2024-08-22" in at.text[0].value
    at.date_input[0].set_value(date(2025, 2, 10)).run()
    assert "Situation on 2025-02-10" in at.text[0].value
