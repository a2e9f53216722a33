"""A class's shared record: classes, their members and each member's latest results, in a database.

SQLAlchemy Core, no page: the page (playground/ui/class_view.py) calls `Classes`. The default is a SQLite file
in the user's data directory, so `streamlit run app.py` needs nothing more; `PLAYGROUND_DATABASE` (a SQLAlchemy
URL, such as postgresql+psycopg://user:password@host/playground) makes several servers share their classes.

- The schema is created on start and its version is kept in `schema_version`.
- Codes are 128 random bits from `secrets` (URL-safe text): the join code (in the students' link), the teacher
  code (the dashboard's link, never shown to a student) and each member's own code (their session's).
- A display name is at most NAME_LENGTH characters; a class holds at most MAX_MEMBERS members.
- A member's row is written at most once every WRITE_EVERY seconds: the database itself refuses a write that
  comes sooner (the UPDATE's WHERE), so this holds across servers.
- A class's data is deleted when it ends, or KEEP_FOR seconds after its last activity (`purge`).
- Every value reaches SQL as a bound parameter: the statements are built with SQLAlchemy's expressions.
- Any failure of the database (down, locked, refused) is raised as `Unavailable`: the page then says
  "class view unavailable", and training goes on.
"""
import hashlib
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

SCHEMA_VERSION = 3
# What brings a database of the version before up to each version: SQL run in order, in one transaction.
MIGRATIONS = {2: ("ALTER TABLE members ADD COLUMN browser VARCHAR(64)",
                  "CREATE INDEX IF NOT EXISTS ix_members_browser ON members (browser)"),
              3: ("ALTER TABLE members ADD COLUMN run VARCHAR(64)",)}
NAME_LENGTH = 40          # characters of a display name
TITLE_LENGTH = 80         # characters of a class's name
MAX_MEMBERS = 200         # members a class
WRITE_EVERY = 2.0         # seconds between two writes of one member's results
KEEP_FOR = 24 * 3600.0    # seconds a class is kept after its last activity
PICTURE_BYTES = 16_000    # a member's boundary picture (a small PNG) at most
CODE_BYTES = 16           # 128 bits
LOCK_TIMEOUT = 1.0        # seconds a SQLite connection waits for a lock before the class view gives up

metadata = sa.MetaData()
schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))
classes = sa.Table(
    "classes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("title", sa.String(TITLE_LENGTH), nullable=False),
    sa.Column("join_code", sa.String(32), nullable=False, unique=True),
    sa.Column("teacher_code", sa.String(32), nullable=False, unique=True),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("active", sa.Float, nullable=False),         # the last activity, for KEEP_FOR
    sa.Column("sent", sa.Text),                            # what the teacher sent, JSON, or NULL
    sa.Column("sent_seq", sa.Integer, nullable=False, default=0),
    sa.Column("shown", sa.Integer),                        # the member shown on the projector, or NULL
)
members = sa.Table(
    "members", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("browser", sa.String(64), index=True),       # SHA-256 of the browser's own token (keep.COOKIE), or NULL
    sa.Column("joined", sa.Float, nullable=False),
    sa.Column("written", sa.Float, nullable=False, default=0.0),  # when the results were last written
    # The latest results.
    sa.Column("engine", sa.String(20)),
    sa.Column("epoch", sa.Integer, nullable=False, default=0),
    sa.Column("test_loss", sa.Float),
    sa.Column("score", sa.Float),                          # test accuracy, or R² for a regression
    sa.Column("score_name", sa.String(20)),
    sa.Column("challenge", sa.Text),                       # the challenge's status, JSON, or NULL
    sa.Column("progress", sa.Float, nullable=False, default=0.0),  # what the dashboard sorts by, higher first
    sa.Column("picture", sa.LargeBinary),
    sa.Column("run", sa.String(64)),                       # where the run is: "server:run id" (the projector's)
)


class Unavailable(Exception):
    """The database cannot be reached, or is locked: the class view is unavailable."""


class NotFound(Exception):
    """No class (or member) has this code: a wrong, guessed or ended one."""


class Full(Exception):
    """The class has MAX_MEMBERS members already."""


@dataclass(frozen=True)
class ClassInfo:
    id: int
    title: str
    join_code: str
    teacher_code: str
    sent: dict | None
    sent_seq: int
    shown: int | None


@dataclass(frozen=True)
class Member:
    id: int
    class_id: int
    code: str
    name: str
    engine: str | None
    epoch: int
    test_loss: float | None
    score: float | None
    score_name: str | None
    challenge: dict | None
    progress: float
    picture: bytes | None
    written: float
    run: str | None = None


def new_code():
    """128 random bits as URL-safe text (22 characters)."""
    return secrets.token_urlsafe(CODE_BYTES)


def clean_name(text, length=NAME_LENGTH):
    """A display name as stored: one line, spaces collapsed, at most `length` characters; ValueError if empty."""
    name = " ".join(str(text).split())[:length].strip()
    if not name:
        raise ValueError("empty name")
    return name


def default_url():
    """PLAYGROUND_DATABASE, else a SQLite file in the user's data directory."""
    url = os.environ.get("PLAYGROUND_DATABASE")
    if url:
        return url
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    folder = os.path.join(base, "neural-playground")
    os.makedirs(folder, exist_ok=True)
    return "sqlite:///" + os.path.join(folder, "classes.sqlite3")


def _engine(url):
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": LOCK_TIMEOUT, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
            cursor.close()
        return engine
    connect_args = {"connect_timeout": 3} if url.startswith("postgresql") else {}
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args)


def browser_hash(browser):
    """What the database keeps of a browser's token: its SHA-256, never the token; None for none."""
    if not isinstance(browser, str) or not 0 < len(browser) <= 64:
        return None
    return hashlib.sha256(browser.encode()).hexdigest()


def _member(row):
    return Member(row.id, row.class_id, row.code, row.name, row.engine, row.epoch, row.test_loss, row.score,
                  row.score_name, json.loads(row.challenge) if row.challenge else None, row.progress, row.picture,
                  row.written, row.run)


def _class(row):
    return ClassInfo(row.id, row.title, row.join_code, row.teacher_code, json.loads(row.sent) if row.sent else None,
                     row.sent_seq, row.shown)


class Classes:
    """The classes in one database. Every method raises Unavailable when the database fails."""

    def __init__(self, url=None, clock=time.time):
        self.url = url or default_url()
        self.clock = clock
        try:
            self.engine = _engine(self.url)
            self.create()
        except SQLAlchemyError as error:
            raise Unavailable(str(error)) from error

    def create(self):
        """The tables, if missing, and the schema's version: an older one is migrated (MIGRATIONS), a newer one
        refused."""
        metadata.create_all(self.engine)
        with self.engine.begin() as db:
            version = db.execute(sa.select(schema_version.c.version)).scalar()
            if version is None:
                db.execute(schema_version.insert().values(version=SCHEMA_VERSION))
            elif version > SCHEMA_VERSION:
                raise Unavailable(f"the database's schema is version {version}, newer than this playground's")
            elif version < SCHEMA_VERSION:  # an older playground's database: brought up to date, its classes kept
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS[step]:
                        db.execute(sa.text(statement))
                db.execute(schema_version.update().values(version=SCHEMA_VERSION))

    def _run(self, work):
        """`work(db)` in one transaction; a database failure becomes Unavailable."""
        try:
            with self.engine.begin() as db:
                return work(db)
        except SQLAlchemyError as error:
            raise Unavailable(str(error).splitlines()[0]) from error

    def version(self):
        return self._run(lambda db: db.execute(sa.select(schema_version.c.version)).scalar())

    # The teacher's side.
    def open(self, title):
        """A new class: its ClassInfo, with the join code and the teacher code."""
        title, now = clean_name(title, TITLE_LENGTH), self.clock()

        def work(db):
            values = dict(title=title, join_code=new_code(), teacher_code=new_code(), created=now, active=now,
                          sent_seq=0)
            result = db.execute(classes.insert().values(**values))
            return ClassInfo(result.inserted_primary_key[0], title, values["join_code"], values["teacher_code"],
                             None, 0, None)
        return self._run(work)

    def by_teacher(self, code):
        """The class whose teacher code this is; NotFound otherwise."""
        return self._find(classes.c.teacher_code, code)

    def by_join(self, code):
        """The class whose join code this is; NotFound otherwise."""
        return self._find(classes.c.join_code, code)

    def by_id(self, class_id):
        return self._find(classes.c.id, int(class_id), checked=True)

    def _find(self, column, code, checked=False):
        if not checked and (not isinstance(code, str) or not 0 < len(code) <= 64):
            raise NotFound()
        row = self._run(lambda db: db.execute(sa.select(classes).where(column == code)).first())
        if row is None:
            raise NotFound()
        return _class(row)

    def members(self, class_id):
        """The class's members, the furthest along first (progress, then epoch, then name)."""
        query = sa.select(members).where(members.c.class_id == class_id).order_by(
            members.c.progress.desc(), members.c.epoch.desc(), members.c.name, members.c.id)
        return [_member(row) for row in self._run(lambda db: db.execute(query).all())]

    def send(self, class_id, message):
        """What the teacher sends the class (a dict, as JSON); its sequence number goes up by one."""
        text = json.dumps(message, separators=(",", ":"))

        def work(db):
            db.execute(classes.update().where(classes.c.id == class_id).values(
                sent=text, sent_seq=classes.c.sent_seq + 1, active=self.clock()))
            return db.execute(sa.select(classes.c.sent_seq).where(classes.c.id == class_id)).scalar()
        return self._run(work)

    def show(self, class_id, member_id):
        """The member shown on the projector (None: nobody)."""
        self._run(lambda db: db.execute(classes.update().where(classes.c.id == class_id).values(
            shown=member_id, active=self.clock())))

    def end(self, class_id):
        """The class ends: its members and itself are deleted."""
        def work(db):
            db.execute(members.delete().where(members.c.class_id == class_id))
            db.execute(classes.delete().where(classes.c.id == class_id))
        self._run(work)

    def purge(self):
        """Deletes the classes idle for KEEP_FOR seconds or more; returns how many."""
        before = self.clock() - KEEP_FOR

        def work(db):
            old = sa.select(classes.c.id).where(classes.c.active < before)
            db.execute(members.delete().where(members.c.class_id.in_(old)))
            return db.execute(classes.delete().where(classes.c.active < before)).rowcount
        return self._run(work)

    # The student's side.
    def join(self, join_code, name, browser=None):
        """A new member of the class this join code names: their Member (with their own code). NotFound for a
        wrong code, Full at MAX_MEMBERS, ValueError for an empty name. `browser`: the browser's own token, which
        finds the member again from any server (`member_of_browser`); only its hash is kept."""
        name, now = clean_name(name), self.clock()
        info = self.by_join(join_code)

        def work(db):
            count = db.execute(sa.select(sa.func.count()).select_from(members).where(
                members.c.class_id == info.id)).scalar()
            if count >= MAX_MEMBERS:
                raise Full()
            code = new_code()
            result = db.execute(members.insert().values(class_id=info.id, code=code, name=name, joined=now,
                                                        written=0.0, epoch=0, progress=0.0,
                                                        browser=browser_hash(browser)))
            db.execute(classes.update().where(classes.c.id == info.id).values(active=now))
            return Member(result.inserted_primary_key[0], info.id, code, name, None, 0, None, None, None, None,
                          0.0, None, 0.0)
        return self._run(work)

    def member(self, code):
        """The member with this (member's own) code; NotFound if they left or the class ended."""
        if not isinstance(code, str) or not 0 < len(code) <= 64:
            raise NotFound()
        row = self._run(lambda db: db.execute(sa.select(members).where(members.c.code == code)).first())
        if row is None:
            raise NotFound()
        return _member(row)

    def member_of_browser(self, browser):
        """The member this browser (its own token) joined as last, in a class that goes on; NotFound if none."""
        key = browser_hash(browser)
        if key is None:
            raise NotFound()
        row = self._run(lambda db: db.execute(sa.select(members).where(members.c.browser == key)
                                              .order_by(members.c.joined.desc()).limit(1)).first())
        if row is None:
            raise NotFound()
        return _member(row)

    def leave(self, code):
        self._run(lambda db: db.execute(members.delete().where(members.c.code == code)))

    def write(self, code, engine=None, epoch=0, test_loss=None, score=None, score_name=None, challenge=None,
              progress=0.0, picture=None, run=None):
        """The member's latest results (`run`: where their run is, "server:run id"); False (nothing written) if their last write was less than WRITE_EVERY
        seconds ago, or the member is gone."""
        now = self.clock()
        if picture is not None and len(picture) > PICTURE_BYTES:
            picture = None

        def finite(value):
            return None if value is None or value != value or value in (float("inf"), float("-inf")) \
                else float(value)
        values = dict(written=now, engine=engine, epoch=int(epoch), test_loss=finite(test_loss), score=finite(score),
                      score_name=score_name, progress=finite(progress) or 0.0, picture=picture,
                      run=run if isinstance(run, str) and len(run) <= 64 else None,
                      challenge=json.dumps(challenge, separators=(",", ":")) if challenge is not None else None)

        def work(db):
            written = db.execute(members.update().where(members.c.code == code).where(
                members.c.written <= now - WRITE_EVERY).values(**values)).rowcount
            if written:
                db.execute(classes.update().where(classes.c.id == sa.select(members.c.class_id).where(
                    members.c.code == code).scalar_subquery()).values(active=now))
            return bool(written)
        return self._run(work)


_opened = {}
_lock = threading.Lock()


def classes_for(url=None):
    """One Classes per database URL in this process (its connection pool shared by the sessions); Unavailable
    if the database cannot be opened now (the next call tries again)."""
    url = url or default_url()
    with _lock:
        if url not in _opened:
            _opened[url] = Classes(url)
        return _opened[url]
