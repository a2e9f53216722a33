"""The class bench's students without a browser (playground/bench/wire.py), on a server: two join a class, the
dashboard (AppTest) lists both, and one's Play trains that run alone, frame by frame and on the card."""
import re

import pytest

from waits import run_until, until

pytestmark = pytest.mark.serial  # a server of its own beside the test: with the tests that take the cores


def card_epochs(at):
    """{name: the epoch on their card} of a dashboard (each card's name is a text, below the class's own)."""
    names = [t.value for t in at.text if not t.value.startswith("The class:")]
    epochs = [int(re.search(r"epoch (\d+)", c.value).group(1)) for c in at.caption if " · epoch " in c.value]
    return dict(zip(names, epochs))


def test_two_students_without_a_browser_join_and_one_plays_as_a_page_does(wire_class, app):
    students, link, info = wire_class
    ada, bob = students.open(link), students.open(link)
    assert ada.token != bob.token and ada.cookies["playground_keep"] != bob.cookies["playground_keep"]
    for page, name in ((ada, "Ada"), (bob, "Bob")):
        students.join(page, name)
        assert "class_leave" in page.ids and page.epoch == 0
    # The first frame's "ready", as live.js sends it, has the page drawn whole: the sidebar too.
    until(lambda: "lang" in ada.ids and "lang" in bob.ids, 20, "the sidebar, once the first frame came")
    board = app(teacher=info.teacher_code)
    assert card_epochs(board) == {"Ada": 0, "Bob": 0} and not board.exception

    students.play(ada)
    until(lambda: ada.epoch >= 20, 30, "Ada's run training")
    assert ada.frames >= 10 and ada.labels["play"] == "Pause"
    assert bob.epoch == 0 and bob.labels["play"] == "Play"
    run_until(board, lambda at: card_epochs(at).get("Ada", 0) >= 20, 30, "Ada's epoch on her card")
    assert card_epochs(board)["Bob"] == 0
    paused_at = students.play(ada, playing=False)
    stopped = ada.epoch
    run_until(board, lambda at: card_epochs(at)["Ada"] == ada.epoch, 30, "Ada's paused epoch on her card")
    assert ada.epoch == stopped and paused_at is not None
