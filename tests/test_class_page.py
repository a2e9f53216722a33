"""The class view on the page (AppTest): a teacher opens a class, students join, the dashboard shows them, the
teacher sends, shows and ends; wrong codes, names as text, the join limit, a database that fails."""
import io
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from playground import classroom_db
from playground.ui import class_view
from waits import until


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    """A class database of the test's own."""
    url = f"sqlite:///{tmp_path / 'classes.sqlite3'}"
    monkeypatch.setenv("PLAYGROUND_DATABASE", url)
    yield url
    classroom_db._opened.pop(url, None)


def texts(at):
    return [t.value for t in at.text]


def messages(at):
    """The page's messages, markdown's escapes taken out."""
    found = " ".join(e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind))
    return found.replace("\\", "")


def codes(at):
    return [c.value for c in at.code]


def open_class(app, title="Biology 2B"):
    at = app(tool="class")
    at.text_input(key="class_title").input(title).run()
    at.button(key="class_open").click().run()
    join = next(c for c in codes(at) if "class=" in c)
    teacher = next(c for c in codes(at) if "teacher=" in c)
    return at, parse_qs(urlsplit(join).query)["class"][0], parse_qs(urlsplit(teacher).query)["teacher"][0]


def join(app, code, name):
    at = app(**{"class": code})
    at.text_input(key="class_name").input(name).run()
    at.button(key="class_join").click().run()
    return at


def test_a_teacher_opens_a_class_and_gets_a_join_link_and_a_separate_teacher_link(app):
    at, join_code, teacher_code = open_class(app)
    assert len(join_code) == 22 and len(teacher_code) == 22 and join_code != teacher_code
    join_link = next(c for c in codes(at) if "class=" in c)
    assert teacher_code not in join_link and len(at.get("image")) == 1  # and its QR code
    assert "The class: Biology 2B" in texts(at) and not at.exception


def test_students_join_and_the_dashboard_shows_a_card_each_with_their_results(app, database):
    _at, join_code, teacher_code = open_class(app)
    ada = join(app, join_code, "Ada")
    assert any(t.startswith("The class: Biology 2B") and "Ada" in t for t in texts(ada))
    assert ada.button(key="class_leave") is not None and not ada.exception
    join(app, join_code, "**Bob** <b>x</b> :red[y]")
    board = app(teacher=teacher_code)
    names = texts(board)
    assert "Ada" in names and "**Bob** <b>x</b> :red[y]" in names  # as text, never markdown or HTML
    assert any("numpy · epoch 0" in c.value for c in board.caption)
    assert board.get("image") and not board.exception  # the boundary pictures
    picture = classroom_db.classes_for(database).member(ada.session_state.page.class_member).picture
    image = Image.open(io.BytesIO(picture))
    assert image.size == (class_view.PICTURE, class_view.PICTURE) and len(picture) <= classroom_db.PICTURE_BYTES


def test_a_student_link_never_opens_the_dashboard_and_wrong_codes_say_so(app):
    _at, join_code, _teacher = open_class(app)
    student = app(**{"class": join_code}, teacher=join_code)  # the join code where a teacher's goes
    assert "This teacher link is wrong" in messages(student)
    assert not [b for b in student.button if b.key == "class_end"]
    guessed = app(**{"class": "A" * 22})
    assert "This join link is wrong" in messages(guessed) and not guessed.exception
    assert app(teacher="' OR 1=1 --").error and not app(teacher="x" * 5000).exception


def test_the_teacher_sends_a_challenge_and_nothing_changes_until_the_student_takes_it(app):
    _at, join_code, teacher_code = open_class(app)
    ada = join(app, join_code, "Ada")
    board = app(teacher=teacher_code)
    board.selectbox(key="class_send_what").select("xor").run()
    board.button(key="class_send").click().run()
    assert "Sent" in messages(board)
    ada.run()
    assert "Your teacher sent: the challenge" in messages(ada)
    assert ada.session_state.challenge == ""  # not until the press
    ada.button(key="class_take").click().run()
    assert ada.session_state.challenge == "xor" and ada.session_state.dataset == "xor"
    assert "Your teacher sent" not in messages(ada) and not ada.exception


def test_the_teacher_sends_a_links_settings_and_the_student_takes_them(app):
    _at, join_code, teacher_code = open_class(app)
    ada = join(app, join_code, "Ada")
    board = app(teacher=teacher_code)
    board.text_input(key="class_send_link").input("http://host:8501/?dataset=moons&layers=1&width_1=3").run()
    board.button(key="class_send").click().run()
    ada.run()
    assert "dataset=moons" in messages(ada) and ada.session_state.dataset != "moons"
    ada.button(key="class_take").click().run()
    assert ada.session_state.dataset == "moons" and ada.session_state.layers == 1
    board.text_input(key="class_send_link").input("not a link").run()
    board.button(key="class_send").click().run()
    assert "no settings" in messages(board)


def test_show_one_student_on_the_projector_then_back(app):
    _at, join_code, teacher_code = open_class(app)
    ada = join(app, join_code, "Ada")
    board = app(teacher=teacher_code)
    board.button(key="class_show").click().run()
    assert any("Ada" in m.value for m in board.markdown) and not [b for b in board.button if b.key == "class_end"]
    # Ada's run is on this server: drawn live, at a projector's size, from her run's own frames
    assert board.session_state.page.class_shown_run == f"{class_view.SERVER}:{ada.session_state.page.run.id}"
    assert board.session_state.presentation and not board.get("image") and not board.exception
    board.button(key="class_show_end").click().run()
    assert board.button(key="class_end") is not None and not board.session_state.presentation


def test_a_student_on_another_server_is_shown_by_their_latest_results_and_picture(app, database):
    _at, join_code, teacher_code = open_class(app)
    ada = join(app, join_code, "Ada")
    classes = classroom_db.classes_for(database)
    with classes.engine.begin() as db:   # as a student of another server of the class writes it
        db.execute(classroom_db.members.update().values(run="another-server:1"))
    board = app(teacher=teacher_code)
    board.button(key="class_show").click().run()
    assert board.session_state.page.class_shown_run is None and len(board.get("image")) == 1 and not board.exception
    assert class_view.here("another-server:1") is None and class_view.here("x:y") is None and class_view.here(None) is None
    assert class_view.here(f"{class_view.SERVER}:{ada.session_state.page.run.id}") is ada.session_state.page.run


def test_end_class_tells_the_students_and_deletes_the_data(app, database):
    _at, join_code, teacher_code = open_class(app)
    ada = join(app, join_code, "Ada")
    member = ada.session_state.page.class_member
    board = app(teacher=teacher_code)
    board.button(key="class_end").click().run()
    assert "ended" in messages(board)
    ada.run()
    assert "Your teacher ended the class" in messages(ada) and not ada.exception
    ada.run()
    assert "class_member" not in ada.session_state and "Your teacher ended the class" in messages(ada)
    with pytest.raises(classroom_db.NotFound):
        classroom_db.classes_for(database).member(member)
    assert "This teacher link is wrong" in messages(app(teacher=teacher_code))


def test_leave_class(app):
    _at, join_code, _teacher = open_class(app)
    ada = join(app, join_code, "Ada")
    ada.button(key="class_leave").click().run()
    assert not [b for b in ada.button if b.key == "class_leave"] and not ada.exception


def test_joins_from_one_browser_are_limited(app, monkeypatch):
    _at, join_code, _teacher = open_class(app)
    monkeypatch.setattr(class_view.keep, "token", lambda: "one-browser")
    class_view._joins.clear()
    for i in range(class_view.JOINS_PER_BROWSER):  # joins, then leaves (a browser that stays is found again)
        joined = join(app, join_code, f"s{i}")
        assert joined.session_state.page.class_member
        joined.button(key="class_leave").click().run()
    refused = join(app, join_code, "one more")
    assert "joined too many times" in messages(refused) and "class_member" not in refused.session_state


def test_a_browser_that_joined_is_that_member_again_on_a_new_page_and_its_results_are_kept(app, monkeypatch, database):
    _at, join_code, teacher_code = open_class(app)
    monkeypatch.setattr(class_view.keep, "token", lambda: "browser-a")
    ada = join(app, join_code, "Ada")
    member = ada.session_state.page.class_member
    later = classroom_db.Classes(database, clock=lambda: time.time() + 10)   # past the 2 s between writes
    assert later.write(member, engine="numpy", epoch=40, test_loss=0.2, score=0.9, score_name="accuracy")
    for link in ({"class": join_code}, {}):   # its join link again, or the page's address: another server, say
        again = app(**link)
        assert again.session_state.page.class_member == member and not again.exception
        assert "back in the class" in messages(again) and "epoch 40" in messages(again)
    monkeypatch.setattr(class_view.keep, "token", lambda: "browser-b")
    other = app(**{"class": join_code})
    assert "class_member" not in other.session_state   # another browser gets the join form
    assert other.text_input(key="class_name")


def test_a_database_that_fails_costs_the_class_view_never_the_run(app, monkeypatch):
    _at, join_code, teacher_code = open_class(app)
    ada = join(app, join_code, "Ada")

    def down(url=None):
        raise classroom_db.Unavailable("down")
    monkeypatch.setattr(class_view, "classes_for", down)
    ada.button(key="play").click().run()
    assert "Class view unavailable" in messages(ada) and not ada.exception
    run = ada.session_state.page.run
    until(lambda: run.refresh().epoch >= 3, 30, "the run training on while the class database is down", 0.1)
    ada.button(key="play").click().run()
    assert "Class view unavailable" in messages(app(teacher=teacher_code))
