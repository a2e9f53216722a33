"""`python -m playground.bench --class-load`: a class of many students on two servers, and the teacher's dashboard
in Chromium.

As README's "Serving a class" sets it up: two Streamlit servers (one training worker each), Debian's HAProxy in
front of them with sticky sessions, one PostgreSQL (a throw-away cluster) for the class view, all on 127.0.0.1.
A teacher opens a class through the proxy and keeps the dashboard open (a Chromium that draws); the students join
one after another through the proxy, each a page without a browser (wire.py: it asks of the server what a page
that draws nothing asks, every frame included, at nice 10; in a class each browser runs on its student's machine,
and 60 Chromium contexts loaded this machine past 60 before). Once all have joined,
as many as the class bench promises to carry (15 a core) press Play; the others wait. Measured:
- each student's delay from the press of Join (and from their page saying they joined) to their card on the
  dashboard (the slowest, the median, and the slowest of the last ten, who join a dashboard of 50 cards);
- with every student joined: the frames a second each playing student's page gets and the epochs a second of each
  run (the slowest and the median), against what the class bench promises (30 frames a second or more), and the
  class's database writes a second (PostgreSQL's own count of the students' rows written);
- a student's Pause to the paused epoch on their card (a student's page writes at most once every WRITE_EVERY s
  and the dashboard renews every second), for a few students;
- past the promise, every student playing: their frames and epochs a second, and the writes;
- the CPU of the students' pages (this process) and the machine's load, to show they do not crowd the servers.
It gives this machine's speed at the start and at the end, as the class bench does.
"""
import os
import statistics
import time

import psutil
import sqlalchemy as sa

from .browser import APP_READY, launch_chromium, open_app, start_streamlit
from .classroom import CpuShare, Results, machine_speed
from .page import open_page
from .servers import cluster, haproxy
from .wire import Students

PROMISED_FRAMES = 30.0   # frames a second a playing student gets, up to PER_CORE students a core (the class bench)
PER_CORE = 15


def link_in(page, key):
    """The link written out in the container keyed `key`."""
    return page.locator(f".st-key-{key} code").first.inner_text().strip()


def cards(dashboard):
    """{name: the card's text} of the dashboard's students (a card's first line is the student's name)."""
    texts = dashboard.locator("[class*='st-key-class_card_']").all_inner_texts()
    return {text.strip().splitlines()[0].strip(): text for text in texts if text.strip()}


def open_class(browser, url):
    """(join link, teacher link) of a class a teacher opens through `url`."""
    teacher = open_app(browser, url, viewport={"width": 1400, "height": 1000})
    teacher.locator(".st-key-tool button").filter(has_text="A class").click()
    teacher.wait_for_selector(APP_READY)
    teacher.locator(".st-key-class_open button").click()
    teacher.wait_for_selector(".st-key-class_teacher_link code")
    links = link_in(teacher, "class_join_link"), link_in(teacher, "class_teacher_link")
    teacher.context.close()
    return links


def join(browser, link, name, timeout=60_000):
    """A student's page in Chromium that has joined the class at `link` as `name` (a quiet page), each step within
    `timeout` ms; returns (page, the time Join was pressed)."""
    page = open_page(browser, link, draw=False, timeout=timeout)
    page.set_default_timeout(timeout)
    page.locator(".st-key-class_name input").fill(name)
    page.locator(".st-key-class_name input").press("Enter")
    page.wait_for_selector(APP_READY)
    pressed = time.monotonic()
    page.locator(".st-key-class_join button").click()
    page.wait_for_selector(".st-key-class_leave")
    return page, pressed


def until_card(dashboard, name, check=lambda text: True, timeout=30.0):
    """Seconds until the dashboard shows `name`'s card and `check` holds for its text; polls every 50 ms."""
    began = time.monotonic()
    while True:
        text = cards(dashboard).get(name)
        if text is not None and check(text):
            return time.monotonic() - began
        if time.monotonic() - began > timeout:
            raise TimeoutError(f"{name}'s card did not show what was awaited within {timeout} s: {text!r}")
        time.sleep(0.05)


def rows_written(database):
    """The students' rows PostgreSQL has inserted and updated so far (each write of a student's results also
    marks the class active, a second row)."""
    engine = sa.create_engine(database)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname = 'members'")).scalar_one())
    finally:
        engine.dispose()


def writes_a_second(database, seconds=10.0):
    # PostgreSQL's statistics reach its views within about a second of a write (stats_fetch_consistency aside)
    before, began = rows_written(database), time.monotonic()
    time.sleep(seconds)
    time.sleep(1.0)
    return (rows_written(database) - before) / (time.monotonic() - began - 1.0)


def per_second(pages, count, seconds=6.0):
    """How fast `count(page)` (its frames, its epoch) grows for each of `pages`, over `seconds`."""
    start, began = [count(page) for page in pages], time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - began
    return [(count(page) - s) / elapsed for page, s in zip(pages, start)]


class CpuOf:
    """The CPU this process (the students' pages: Playwright's Chromium and driver are processes of their own)
    uses between two looks, in % of a core."""

    def __init__(self):
        self.process = psutil.Process()
        self.look()

    def look(self):
        times, at = self.process.cpu_times(), time.monotonic()
        used = times.user + times.system
        percent = 100.0 * (used - self.used) / (at - self.at) if hasattr(self, "at") else None
        self.used, self.at = used, at
        return percent


def machine_busy():
    """Seconds of CPU this machine has spent so far, every process's (others' work on shared cores too)."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + times.irq + times.softirq


def measure(students=60, paused=5):
    from playwright.sync_api import sync_playwright

    results = Results()
    results["this machine at the start: a Python loop, millions of turns/s"] = machine_speed()
    with cluster() as database:
        env = {"PLAYGROUND_WORKERS": "1", "PLAYGROUND_DATABASE": database}
        with start_streamlit("app.py", env=env) as (one, first), start_streamlit("app.py", env=env) as (two, second), \
                haproxy([first.removeprefix("http://"), second.removeprefix("http://")]) as url, \
                sync_playwright() as p:
            front = launch_chromium(p)
            join_link, teacher_link = open_class(front, url)
            dashboard = front.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            dashboard.goto(teacher_link)
            dashboard.wait_for_selector(".st-key-class_end")
            class_ = Students()
            cpu = CpuOf()

            # The class bench's promise on this machine's cores: so many play, the others have joined and wait.
            playing = min(students, PER_CORE * (os.cpu_count() or 1))
            pages, delays, after_joined = [], [], []
            for i in range(1, students + 1):
                page = class_.open(join_link, timeout=180.0)
                pressed = class_.join(page, f"Student {i}", timeout=180.0)
                joined = time.monotonic()
                until_card(dashboard, f"Student {i}")
                delays.append(time.monotonic() - pressed)
                after_joined.append(time.monotonic() - joined)
                pages.append(page)
                if i % 10 == 0:
                    print(f"  {i} joined; the last card came {delays[-1]:.2f} s after its Join", flush=True)
            results["students' pages while they joined: CPU (% of a core)"] = cpu.look()
            servers = [page.server for page in pages]
            results["the machine's load (1 min) once all had joined"] = os.getloadavg()[0]
            results["students on the first server"] = servers.count("s1")
            results["students on the second server"] = servers.count("s2")
            results["Join to the card on the dashboard (s), slowest"] = max(delays)
            results["Join to the card on the dashboard (s), median"] = statistics.median(delays)
            results["Join to the card on the dashboard (s), slowest of the last ten"] = max(delays[-10:])
            results["the student's page says joined, to the card (s), slowest"] = max(after_joined)
            results["the student's page says joined, to the card (s), median"] = statistics.median(after_joined)
            for page in pages[:playing]:   # then the class trains
                class_.play(page)

            time.sleep(3)
            label = f"{students} joined, {playing} playing ({PER_CORE} a core)"
            processes = [psutil.Process(server.pid) for server in (one, two)]
            chromium = [p for p in psutil.Process().children(recursive=True) if "chrom" in p.name()]
            shares = CpuShare(servers=lambda: processes,
                              workers=lambda: [w for p in processes for w in p.children(recursive=True)],
                              dashboard=lambda: chromium)
            shares.start()
            busy = machine_busy()
            cpu.look()
            frames = per_second(pages[:playing], lambda page: page.frames)
            results[f"{label}: frames a second, slowest"] = min(frames)
            results[f"{label}: frames a second, median"] = statistics.median(frames)
            results[f"  against the promised {PROMISED_FRAMES:.0f}, slowest"] = min(frames) / PROMISED_FRAMES
            each = per_second(pages[:playing], lambda page: page.epoch)
            results[f"{label}: epochs a second, slowest"] = min(each)
            results[f"{label}: epochs a second, median"] = statistics.median(each)
            results[f"{label}: the students' pages, CPU (% of a core)"] = cpu.look()
            shares.stop()
            busy = (machine_busy() - busy) / shares.elapsed * 100.0
            for name, percent in shares.percent().items():
                results[f"{label}: CPU of the {name} (% of a core)"] = percent
            results[f"{label}: the machine's CPU, all of it (% of a core)"] = busy
            results[f"{label}: the machine's load (1 min)"] = os.getloadavg()[0]
            writes = writes_a_second(database)
            results[f"{label}: students' results written a second"] = writes
            results["  a playing student's share of those (writes a second)"] = writes / playing

            after_pause = []
            for i in range(min(paused, students)):
                page = pages[i]
                pressed = class_.play(page, playing=False)
                until_card(dashboard, f"Student {i + 1}", lambda text, page=page: f"epoch {page.epoch} " in text)
                after_pause.append(time.monotonic() - pressed)
            results[f"Pause to the paused epoch on the card (s), slowest of {len(after_pause)}"] = max(after_pause)
            results[f"Pause to the paused epoch on the card (s), median of {len(after_pause)}"] = \
                statistics.median(after_pause)

            if students > playing:   # past the promise: every student plays
                for page in pages:
                    if page.labels["play"] == "Play":
                        class_.play(page)
                time.sleep(3)
                frames = per_second(pages, lambda page: page.frames)
                results[f"all {students} playing: frames a second, slowest"] = min(frames)
                results[f"all {students} playing: frames a second, median"] = statistics.median(frames)
                each = per_second(pages, lambda page: page.epoch)
                results[f"all {students} playing: epochs a second, slowest"] = min(each)
                results[f"all {students} playing: epochs a second, median"] = statistics.median(each)
                results[f"all {students} playing: the machine's load (1 min)"] = os.getloadavg()[0]
                results[f"all {students} playing: students' results written a second"] = writes_a_second(database)
            class_.close()
            front.close()
    results["this machine at the end: a Python loop, millions of turns/s"] = machine_speed()
    return results


def main(students=60):
    measure(students)
