"""The class view in Chromium: a teacher opens a class, two students join from pages of their own, and the
dashboard lists both within 2 s of their joining, then follows their runs; the projector shows one live. Saves screenshots to artifacts/
(class_dashboard.png, class_student.png, class_projector.png)."""
import os
import time

from playground.bench.browser import APP_READY, ROOT, button, open_app
from playground.bench.page import LIVE_JS, epoch
from waits import until

ARTIFACTS = os.path.join(ROOT, "artifacts")
DASHBOARD_DELAY = 2.0  # seconds: the bar between a student's joining and their card on the dashboard


def link_in(page, key):
    return page.locator(f".st-key-{key} code").first.inner_text().strip()


def card_names(page):
    return page.locator(".st-key-class_cards [data-testid='stText']").all_inner_texts()


def test_a_teacher_opens_a_class_and_two_students_appear_on_the_dashboard_within_2_s(browser_and_url):
    browser, url = browser_and_url
    teacher = open_app(browser, url, viewport={"width": 1400, "height": 1000})
    teacher.locator(".st-key-tool button").filter(has_text="A class").click()
    teacher.wait_for_selector(APP_READY)
    teacher.locator(".st-key-class_title input").fill("Period 3")
    teacher.locator(".st-key-class_title input").press("Enter")
    teacher.wait_for_selector(APP_READY)
    teacher.locator(".st-key-class_open button").click()
    teacher.wait_for_selector(".st-key-class_teacher_link code")
    join_link, teacher_link = link_in(teacher, "class_join_link"), link_in(teacher, "class_teacher_link")
    assert "?class=" in join_link and "?teacher=" in teacher_link
    assert teacher_link.split("=")[-1] not in join_link

    dashboard = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    dashboard.goto(teacher_link)
    dashboard.wait_for_selector(".st-key-class_end")
    students, delays = [], []
    for name in ("Ada", "Grace"):
        page = open_app(browser, join_link, viewport={"width": 1400, "height": 1000})
        page.locator(".st-key-class_name input").fill(name)
        page.locator(".st-key-class_name input").press("Enter")
        page.wait_for_selector(APP_READY)
        page.locator(".st-key-class_join button").click()
        page.wait_for_selector(".st-key-class_leave")
        joined = time.monotonic()
        until(lambda: name in card_names(dashboard), 10, f"{name}'s card on the dashboard")
        delays.append(time.monotonic() - joined)
        assert "Period 3" in page.locator(".st-key-class_member_bar").inner_text()
        students.append(page)
    print(f"dashboard delays after joining: {', '.join(f'{d:.2f} s' for d in delays)}")
    assert max(delays) < DASHBOARD_DELAY, delays

    for page in students:
        button(page, "Play").click()
    # Their runs come to the dashboard as they train: an epoch past 0 for both.
    until(lambda: dashboard.locator(".st-key-class_cards").inner_text().count("epoch 0 ") == 0
          and len(card_names(dashboard)) == 2, 20, "both students' epochs on the dashboard")
    assert sorted(card_names(dashboard)) == ["Ada", "Grace"]
    time.sleep(2.5)  # a picture of each boundary written since
    os.makedirs(ARTIFACTS, exist_ok=True)
    dashboard.screenshot(path=os.path.join(ARTIFACTS, "class_dashboard.png"), full_page=True)
    students[0].screenshot(path=os.path.join(ARTIFACTS, "class_student.png"))
    # In Chinese, the cards are renewed in Chinese too (a fragment runs alone, and sets the page's language).
    chinese = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    chinese.goto(teacher_link + "&lang=zh")
    chinese.wait_for_selector(".st-key-class_cards")
    first = chinese.locator(".st-key-class_cards").inner_text()
    renewed = until(lambda: (lambda text: text if text != first else None)(
        chinese.locator(".st-key-class_cards").inner_text()), 20, "the Chinese dashboard's cards renewed")
    assert "测试损失" in renewed and "test loss" not in renewed, renewed
    for page in students:
        button(page, "Pause").click()

    # The projector: a student's run on this server, live, as her own page draws it.
    button(students[0], "Play").click()
    dashboard.locator(".st-key-class_show button").click()
    dashboard.wait_for_selector(".st-key-class_projector_live .st-key-chart_boundary canvas")
    shown = epoch(dashboard)
    dashboard.wait_for_function(f"(n) => ({LIVE_JS})() >= n", arg=shown + 5, timeout=20_000)  # it plays there too
    assert not dashboard.locator(".st-key-class_projector img").count()   # not the stored picture
    assert dashboard.locator("[data-testid='stSidebar']").is_hidden()   # presentation mode
    mine = epoch(students[0])   # her own page keeps its frames meanwhile
    students[0].wait_for_function(f"(n) => ({LIVE_JS})() >= n", arg=mine + 5, timeout=20_000)
    for chart in ("chart_network", "chart_boundary"):   # read-only: a click on it commands nothing
        dashboard.locator(f".st-key-class_projector_live .st-key-{chart} canvas").first.click()
    dashboard.wait_for_selector(APP_READY)
    assert not dashboard.get_by_text("Something went wrong").count() and not dashboard.locator(
        "[data-testid='stException']").count()
    dashboard.screenshot(path=os.path.join(ARTIFACTS, "class_projector.png"))
    dashboard.locator(".st-key-class_show_end button").click()
    dashboard.wait_for_selector(".st-key-class_end")
    mine = epoch(students[0])   # the projector gone, her page's frames go on
    students[0].wait_for_function(f"(n) => ({LIVE_JS})() >= n", arg=mine + 5, timeout=20_000)
    button(students[0], "Pause").click()
