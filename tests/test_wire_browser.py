"""The class bench's students without a browser (playground/bench/wire.py) and the teacher's dashboard in Chromium:
two students join and their cards come within 2 s of their Join; one's Play moves the epoch on that card alone."""
import re
import time

from playground.bench.class_load import cards
from waits import until

DASHBOARD_DELAY = 2.0  # seconds between a student's Join and their card on the dashboard, at most


def epoch_on(card):
    return int(re.search(r"epoch (\d+)", card).group(1))


def test_students_without_a_browser_appear_on_a_dashboard_in_chromium_and_their_play_moves_their_card(
        browser, wire_class):
    students, link, info = wire_class
    dashboard = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    dashboard.goto(link.replace(f"class={info.join_code}", f"teacher={info.teacher_code}"))
    dashboard.wait_for_selector(".st-key-class_end")
    pages, delays = [], []
    for name in ("Ada", "Bob"):
        page = students.open(link)
        pressed = students.join(page, name)
        until(lambda: name in cards(dashboard), 10, f"{name}'s card on the dashboard", every=0.05)
        delays.append(time.monotonic() - pressed)
        pages.append(page)
    print(f"Join to the card: {', '.join(f'{d:.2f} s' for d in delays)}")
    assert max(delays) < DASHBOARD_DELAY, delays
    assert all(epoch_on(card) == 0 for card in cards(dashboard).values())

    ada, bob = pages
    students.play(ada)
    until(lambda: epoch_on(cards(dashboard)["Ada"]) >= 10, 30, "Ada's epoch moving on her card", every=0.1)
    assert ada.epoch >= epoch_on(cards(dashboard)["Ada"]) and ada.frames >= 5
    assert epoch_on(cards(dashboard)["Bob"]) == 0 and bob.epoch == 0
