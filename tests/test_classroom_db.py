"""The class database (playground/classroom_db.py): the same tests on SQLite and on PostgreSQL (a throw-away
cluster, playground/bench/servers.py, or the server PLAYGROUND_TEST_POSTGRES names)."""
import sqlite3
import subprocess
import sys

import pytest
import sqlalchemy as sa

from playground import classroom_db as cdb
from playground.bench.servers import cluster


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def postgres_url():
    with cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    clock = Clock()
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'classes.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    classes = cdb.Classes(url, clock=clock)
    yield classes, clock
    with classes.engine.begin() as connection:  # a clean database for the next test
        connection.execute(cdb.members.delete())
        connection.execute(cdb.classes.delete())
    classes.engine.dispose()


def test_the_schema_is_created_with_its_version_and_a_second_start_keeps_it(db):
    classes, _clock = db
    assert classes.version() == cdb.SCHEMA_VERSION
    again = cdb.Classes(classes.url)
    assert again.version() == cdb.SCHEMA_VERSION
    with again.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(cdb.schema_version)).scalar() == 1
    again.engine.dispose()


def test_codes_are_128_random_bits_and_each_finds_only_its_side(db):
    classes, _clock = db
    a, b = classes.open("Monday"), classes.open("Tuesday")
    codes = {a.join_code, a.teacher_code, b.join_code, b.teacher_code}
    assert len(codes) == 4 and all(len(code) == 22 for code in codes)  # 16 bytes, URL-safe base64
    assert classes.by_teacher(a.teacher_code).id == a.id and classes.by_join(a.join_code).id == a.id
    with pytest.raises(cdb.NotFound):
        classes.by_teacher(a.join_code)  # a student's link never opens the dashboard
    with pytest.raises(cdb.NotFound):
        classes.by_join(a.teacher_code)
    for guessed in ("", "x" * 22, "x" * 500, None, 7):
        with pytest.raises(cdb.NotFound):
            classes.by_teacher(guessed)


def test_joining_names_are_cleaned_and_capped_at_40_characters(db):
    classes, _clock = db
    info = classes.open("Class")
    member = classes.join(info.join_code, "  Ada\n  Lovelace " + "x" * 60)
    assert member.name.startswith("Ada Lovelace") and len(member.name) == cdb.NAME_LENGTH
    with pytest.raises(ValueError):
        classes.join(info.join_code, "   ")
    with pytest.raises(cdb.NotFound):
        classes.join("not-a-code", "Bob")


def test_what_a_student_types_reaches_the_database_as_a_bound_parameter(db):
    classes, _clock = db
    info = classes.open("Robert'); DROP TABLE members;--")
    name = "x'); DROP TABLE classes;--"
    member = classes.join(info.join_code, name)
    assert classes.member(member.code).name == name and classes.by_id(info.id).title.startswith("Robert'")
    with pytest.raises(cdb.NotFound):
        classes.by_join("' OR '1'='1")
    assert [m.name for m in classes.members(info.id)] == [name]


def test_a_class_holds_at_most_200_members(db):
    classes, _clock = db
    info = classes.open("Big")
    for i in range(cdb.MAX_MEMBERS):
        classes.join(info.join_code, f"s{i}")
    with pytest.raises(cdb.Full):
        classes.join(info.join_code, "one too many")
    assert len(classes.members(info.id)) == cdb.MAX_MEMBERS


def test_a_members_row_is_written_at_most_once_every_2_s(db):
    classes, clock = db
    info = classes.open("Class")
    member = classes.join(info.join_code, "Ada")
    assert classes.write(member.code, engine="numpy", epoch=3, test_loss=0.5, score=0.8, score_name="accuracy")
    clock.now += 1.9
    assert not classes.write(member.code, engine="numpy", epoch=4)
    assert classes.member(member.code).epoch == 3
    clock.now += 0.1
    assert classes.write(member.code, engine="numpy", epoch=5, test_loss=float("nan"), picture=b"\x89PNG",
                         challenge={"state": "solved", "epoch": 4, "neurons": 6}, progress=2.5)
    got = classes.member(member.code)
    assert (got.epoch, got.test_loss, got.picture, got.challenge["state"], got.progress) == \
        (5, None, b"\x89PNG", "solved", 2.5)
    assert not classes.write("no-such-member", epoch=1)


def test_the_dashboard_sorts_by_progress(db):
    classes, clock = db
    info = classes.open("Class")
    for name, progress, epoch in (("slow", 0.2, 5), ("solved", 2.0, 44), ("middle", 0.6, 10)):
        member = classes.join(info.join_code, name)
        classes.write(member.code, epoch=epoch, progress=progress)
    assert [m.name for m in classes.members(info.id)] == ["solved", "middle", "slow"]


def test_send_counts_up_and_show_names_a_member(db):
    classes, _clock = db
    info = classes.open("Class")
    member = classes.join(info.join_code, "Ada")
    assert classes.send(info.id, {"kind": "challenge", "key": "xor"}) == 1
    assert classes.send(info.id, {"kind": "challenge", "key": "spiral12"}) == 2
    classes.show(info.id, member.id)
    got = classes.by_join(info.join_code)
    assert got.sent == {"kind": "challenge", "key": "spiral12"} and got.sent_seq == 2 and got.shown == member.id


def test_ending_a_class_deletes_it_and_its_members(db):
    classes, _clock = db
    info, other = classes.open("Ends"), classes.open("Stays")
    member = classes.join(info.join_code, "Ada")
    kept = classes.join(other.join_code, "Bob")
    classes.end(info.id)
    with pytest.raises(cdb.NotFound):
        classes.member(member.code)
    with pytest.raises(cdb.NotFound):
        classes.by_teacher(info.teacher_code)
    assert classes.member(kept.code).name == "Bob"


def test_a_class_idle_for_24_hours_is_deleted_and_activity_keeps_it(db):
    classes, clock = db
    idle, busy = classes.open("Idle"), classes.open("Busy")
    member = classes.join(busy.join_code, "Ada")
    clock.now += cdb.KEEP_FOR - 10
    classes.write(member.code, epoch=1)
    clock.now += 20
    assert classes.purge() == 1
    with pytest.raises(cdb.NotFound):
        classes.by_id(idle.id)
    assert classes.by_id(busy.id).title == "Busy"


def test_a_locked_database_raises_unavailable_not_a_wait(tmp_path):
    path = tmp_path / "classes.sqlite3"
    classes = cdb.Classes(f"sqlite:///{path}")
    info = classes.open("Class")
    member = classes.join(info.join_code, "Ada")
    locker = sqlite3.connect(path)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(cdb.Unavailable):
            classes.write(member.code, epoch=1)
    finally:
        locker.rollback()
        locker.close()
    assert classes.write(member.code, epoch=1)


def test_a_database_that_is_down_raises_unavailable():
    with pytest.raises(cdb.Unavailable):
        cdb.Classes("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(cdb.Unavailable):
        cdb.Classes("sqlite:////proc/no/such/folder/classes.sqlite3")


def test_the_module_needs_no_streamlit():
    code = "import sys, playground.classroom_db; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_browser_finds_the_member_it_joined_as_from_any_server_by_its_token_kept_only_as_a_hash(db):
    classes, clock = db
    first, second = classes.open("Morning"), classes.open("Afternoon")
    ada = classes.join(first.join_code, "Ada", "browser-token-a")
    classes.write(ada.code, engine="numpy", epoch=120, test_loss=0.1, score=0.95, score_name="accuracy")
    assert classes.member_of_browser("browser-token-a").id == ada.id
    assert classes.member_of_browser("browser-token-a").epoch == 120   # the results it left
    clock.now += 10
    later = classes.join(second.join_code, "Ada", "browser-token-a")
    assert classes.member_of_browser("browser-token-a").id == later.id   # the class it joined last
    for unknown in ("browser-token-b", None, "", "x" * 65):
        with pytest.raises(cdb.NotFound):
            classes.member_of_browser(unknown)
    with classes.engine.begin() as connection:
        kept = connection.execute(sa.select(cdb.members.c.browser)).scalars().all()
    assert "browser-token-a" not in kept and cdb.browser_hash("browser-token-a") in kept
    classes.leave(later.code)
    assert classes.member_of_browser("browser-token-a").id == ada.id


def test_a_database_of_the_first_schema_is_brought_up_to_date_with_its_classes(db):
    classes, _clock = db
    info = classes.open("Kept")
    ada = classes.join(info.join_code, "Ada")
    with classes.engine.begin() as connection:   # as the first version left it: no browser column, no run column
        connection.execute(sa.text("DROP INDEX ix_members_browser"))
        connection.execute(sa.text("ALTER TABLE members DROP COLUMN browser"))
        connection.execute(sa.text("ALTER TABLE members DROP COLUMN run"))
        connection.execute(cdb.schema_version.update().values(version=1))
    again = cdb.Classes(classes.url, clock=classes.clock)
    assert again.version() == cdb.SCHEMA_VERSION == 3
    assert again.member(ada.code).name == "Ada"
    bob = again.join(info.join_code, "Bob", "browser-b")
    assert again.member_of_browser("browser-b").id == bob.id
    assert again.write(bob.code, epoch=3, run="server-a:12")
    assert again.member(bob.code).run == "server-a:12"


def test_where_a_run_is_is_kept_only_when_it_is_short_text(db):
    classes, clock = db
    info = classes.open("Runs")
    ada = classes.join(info.join_code, "Ada")
    assert classes.write(ada.code, epoch=1, run="x" * 65)
    assert classes.member(ada.code).run is None
    clock.now += cdb.WRITE_EVERY
    assert classes.write(ada.code, epoch=2, run="server-a:7")
    assert classes.member(ada.code).run == "server-a:7"
