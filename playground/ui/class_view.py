"""The class view: a teacher opens a class, students join it, and the teacher's dashboard shows every one.

- A teacher opens a class from the tool "Class" (`class_open`) and gets its join link with a QR code
  (`class_join_link`) and a secret teacher link (`class_teacher_link`, `?teacher=…`) that opens the dashboard.
- A student's page opened at the join link (`?class=…`) asks for a display name (`class_name`, `class_join`); once
  joined it shows the class's name and "Leave class" (`class_leave`), and writes the run's latest results every
  WRITE_EVERY seconds (a fragment: the live view is not redrawn), and offers what the teacher sent (`class_take`).
- The dashboard (`?teacher=…` only) shows a card per student, the furthest along first, renewed every
  DASHBOARD_EVERY seconds; the teacher can show one student on the projector (`class_show`), send the class a
  challenge or a link's settings (`class_send`), and end the class (`class_end`).

The data is in playground.classroom_db. A database that fails costs the class view, never the run: each part
says "class view unavailable" in its place and the page goes on. Names are shown as text.
"""
import io
import threading
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import streamlit as st
from PIL import Image

from .. import challenges, settings
from ..classroom_db import (NAME_LENGTH, PICTURE_BYTES, TITLE_LENGTH, WRITE_EVERY, Full, NotFound, Unavailable,
                            classes_for, new_code)
from ..challenges import BY_KEY, LIMITS
from ..i18n import N_, _, ngettext, set_language
from ..plots.animation import plane_image
from ..plots.charts import plane_colours
from ..trainer import handle
from . import challenge as challenge_ui
from . import keep, live, share, state
from .state import page_state
from .safe import guarded, labels, md

# A student's page writes on a tick a little over WRITE_EVERY: a tick that came a few milliseconds early would find
# the database refusing the write (its WHERE keeps WRITE_EVERY between two writes), and the row would wait a tick more.
WRITE_TICK = WRITE_EVERY + 0.25
# This server among the class's: a student's row says where their run is ("SERVER:run id"), and the projector shows
# a run of its own server live.
SERVER = new_code()
DASHBOARD_EVERY = 1.0     # seconds between two renewals of the dashboard (students write every WRITE_EVERY)
PICTURE = 120             # pixels a side of a student's boundary picture as stored
CARD_PICTURE = 96         # pixels a side of it on a dashboard's card
JOINS_PER_BROWSER = 5     # joins one browser may make…
JOIN_WINDOW = 3600.0      # …within this many seconds
PURGE_EVERY = 600.0       # seconds between two deletions of idle classes, per server
SETTINGS_KIND = "settings"

_joins, _joins_lock = {}, threading.Lock()
_purged = [0.0]


def database():
    """The class database (Unavailable if it cannot be opened); idle classes are deleted now and then."""
    classes = classes_for()
    now = time.monotonic()
    if now - _purged[0] > PURGE_EVERY:
        _purged[0] = now
        classes.purge()
    return classes


def in_language():
    """A fragment's own run of the script: the page's language is set here too (it is set per run)."""
    set_language(st.session_state.get("lang"))


def unavailable(error=None):
    st.warning(_("Class view unavailable: the class database does not answer just now. Training goes on; the "
                 "class view comes back when it answers."))


MEMBER_FIELDS = ("class_member", "class_member_id", "class_class_id", "class_join_code", "class_sent", "class_back")


def take_query():
    """On a session's first run: a join code (`?class=…`) or a teacher code (`?teacher=…`) in the link is kept in
    the session (the URL is then rewritten to the settings)."""
    s = page_state()
    if s.class_codes_read:
        return
    s.class_codes_read = True
    join, teacher = st.query_params.get("class"), st.query_params.get("teacher")
    if teacher:
        s.class_teacher = teacher[:64]
    elif s.class_member is None:  # not a page reloaded on its own server, which kept it (keep.PAGE_FIELDS)
        rejoin(join)
        if join and s.class_member is None:
            s.class_join_code = join[:64]


def rejoin(join):
    """A browser that joined a class, on this server or another one (a proxy moved it, its server stopped), is
    that member again, with the results the dashboard kept: found by its own token (keep.COOKIE), in the class of
    the link's join code or, without one, in the class it joined last. Said once on the page."""
    token = keep.token()
    if token is None:
        return
    try:
        member = database().member_of_browser(token)
        info = database().by_id(member.class_id)
    except (NotFound, Unavailable):
        return
    if join and info.join_code != join:
        return
    _become(member)
    page_state().class_back = True


def is_dashboard():
    return bool(page_state().class_teacher)


def links(info):
    base = share.address()
    return base + "?" + urlencode({"class": info.join_code}), base + "?" + urlencode({"teacher": info.teacher_code})


def join_link_box(join_link, title):
    with st.container(border=True, key="class_join_link"):
        text, code = st.columns(2, vertical_alignment="center")
        text.markdown("**" + _("Join link") + "**")
        text.caption(_("For the projector: students open it, type a name, and join."))
        text.code(join_link, language=None, wrap_lines=True)
        code.image(share.qr_png(join_link), width=320, caption=_("Scan to join"),
                   alt=_("QR code of the link that joins the class {title}").format(title=md(title)))


# The teacher's tool.
def class_section(_run):
    st.subheader(_("A class"))
    st.caption(_("Open a class: students join with a link or its QR code, and a dashboard shows every one's run "
                 "as it trains. The class and what it gathered are deleted when you end it, or a day after its last "
                 "activity."))
    title = st.text_input(_("Name of the class"), value=_("My class"), max_chars=TITLE_LENGTH, key="class_title")
    if st.button(_("Open a class"), key="class_open"):
        try:
            info = database().open(" ".join(title.split()) or _("My class"))
        except Unavailable:
            unavailable()
            return
        page_state().class_opened = info
    info = page_state().class_opened
    if info is None:
        return
    join, teacher = links(info)
    st.text(_("The class: {title}").format(title=info.title))
    join_link_box(join, info.title)
    with st.container(border=True, key="class_teacher_link"):
        st.markdown("**" + _("Teacher link") + "**")
        st.caption(_("Yours alone: it opens the dashboard. Do not show it on the projector."))
        st.code(teacher, language=None, wrap_lines=True)
        st.link_button(_("Open the dashboard"), teacher)


# The student's side.
def _may_join():
    """Whether this browser may join once more (JOINS_PER_BROWSER within JOIN_WINDOW); counts the join."""
    p = page_state()
    if p.class_browser is None:
        p.class_browser = new_code()
    who = keep.token() or p.class_browser
    now = time.monotonic()
    with _joins_lock:
        recent = [t for t in _joins.get(who, ()) if now - t < JOIN_WINDOW]
        if len(recent) >= JOINS_PER_BROWSER:
            _joins[who] = recent
            return False
        _joins[who] = recent + [now]
        return True


@guarded(N_("the class"))
def _join():
    s = page_state()
    name = " ".join(str(st.session_state.get("class_name", "")).split())
    if not name:
        s.class_problem = N_("Type a name to join the class.")
        return
    if not _may_join():
        s.class_problem = N_("This browser has joined too many times in the last hour: ask your teacher.")
        return
    try:
        member = database().join(s.class_join_code, name, keep.token())
    except NotFound:
        s.class_problem = N_("This join link is wrong, or the class has ended. Ask your teacher for the link.")
    except Full:
        s.class_problem = N_("This class is full: it has 200 members.")
    except Unavailable:
        s.class_problem = N_("Class view unavailable: the class database does not answer just now. Training goes "
                             "on; try again in a moment.")
    else:
        _become(member)


def _become(member):
    s = page_state()
    s.class_member, s.class_member_id, s.class_class_id = member.code, member.id, member.class_id
    s.reset("class_last_write", "class_written")
    s.class_taken = _current_seq(member.class_id)


def _current_seq(class_id):
    """The number of the teacher's latest message now: a student who joins later is not offered the earlier ones."""
    try:
        return database().by_id(class_id).sent_seq
    except (NotFound, Unavailable):
        return 0


@guarded(N_("the class"))
def _leave():
    s = page_state()
    try:
        database().leave(s.class_member)
    except Unavailable:
        pass  # the row goes when the class ends, or idle
    s.reset(*MEMBER_FIELDS)


@guarded(N_("the class"))
def _take():
    """The student takes what the teacher sent: a challenge, or a link's settings (a fresh run)."""
    s, p = st.session_state, page_state()
    sent = p.take("class_sent")
    if sent is None:
        return
    seq, message = sent
    p.class_taken = seq
    if message.get("kind") == "challenge" and message.get("key") in BY_KEY:
        s.challenge = message["key"]
        challenge_ui._choose()
    elif message.get("kind") == SETTINGS_KIND:
        values, _refused = challenges.from_query(message.get("query", {}))
        state.forget_drawing()
        for key, value in values.items():
            if key != "lang":
                s[key] = list(value) if key == "features" else value
        state.request_new_run()
    p.class_rerun = True


def _sent_text(message):
    if message.get("kind") == "challenge" and message.get("key") in BY_KEY:
        return _("the challenge “{title}”").format(title=_(BY_KEY[message["key"]].title))
    query = message.get("query", {})
    shown = ", ".join(f"{key}={value}" for key, value in list(query.items())[:6])
    return _("new settings ({values})").format(values=shown + (", …" if len(query) > 6 else ""))


def in_class():
    """Whether this session is a student's in a class, or was opened at a join link."""
    s = page_state()
    return bool(s.class_member or s.class_join_code or s.class_ended)


def student_bar(run):
    """Above the run's buttons: the join form for a join link, or the class's name, "Leave class", what the
    teacher sent, and the writing of this run's results."""
    s = page_state()
    if s.class_member:
        member_part(run)
    elif s.class_join_code:
        join_form()
    elif s.class_ended:
        st.info(_("Your teacher ended the class. Your run goes on here, as before."))


def join_form():
    s = page_state()
    try:
        info = database().by_join(s.class_join_code)
    except NotFound:
        st.error(_("This join link is wrong, or the class has ended. Ask your teacher for the link."))
        return
    except Unavailable:
        unavailable()
        return
    with st.container(border=True):
        st.text(_("Join the class: {title}").format(title=info.title))
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.text_input(_("Your name, as the class sees it"), max_chars=NAME_LENGTH, key="class_name")
        right.button(_("Join"), key="class_join", on_click=_join)
        problem = s.take("class_problem")
        if problem:
            st.error(_(problem))


def _picture(run, snapshot):
    """A small PNG of the run's decision boundary with the training points, or None off the plane; without the
    points and smaller if that would pass the database's PICTURE_BYTES."""
    ds = run.dataset
    if snapshot.boundary is None or ds.grid is None:
        return None
    x, y, _grid = ds.plane_grid
    outputs = np.asarray(snapshot.boundary, np.float32)
    image = plane_image(x, y, outputs, ds.points_train, ds.y_train, ds.task, ds.n_classes, PICTURE, 1)
    data = _png(image)
    if len(data) > PICTURE_BYTES:
        plane = plane_colours(outputs, ds.task, ds.n_classes, (len(y), len(x)))[::-1]
        data = _png(Image.fromarray(plane).resize((PICTURE // 2, PICTURE // 2), Image.BILINEAR))
    return data


def _png(image):
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def results(run, snapshot):
    """What the dashboard shows of this run: engine, epoch, test loss and score, the challenge's status, the
    progress it is sorted by, and the picture."""
    latest = snapshot.latest if snapshot.history.get("epoch") is not None and len(snapshot.history["epoch"]) else {}
    score = latest.get("test_score")
    score_name = "r2" if run.dataset.task == "regression" else "accuracy"
    status, progress = None, score if score is not None and np.isfinite(score) else 0.0
    chosen = challenge_ui.current()
    if chosen is not None:
        values = state.values()
        attempt = challenges.progress(chosen, snapshot.history, values)
        if attempt.broken:
            status, progress = {"state": "broken"}, progress - 10
        elif attempt.solved:
            status = {"state": "solved", "epoch": int(attempt.solved_at),
                      "neurons": int(LIMITS["max_neurons"].current(values))}
            progress = 10 + progress - attempt.solved_at / 1e6
        elif attempt.over:
            status = {"state": "over"}
        else:
            status = {"state": "working"}
    return dict(engine=run.engine_name, run=f"{SERVER}:{run.id}",
                epoch=int(snapshot.epoch), test_loss=latest.get("test_loss"), score=score, score_name=score_name,
                challenge=status, progress=progress, picture=_picture(run, snapshot))


@st.fragment(run_every=WRITE_TICK)
def member_part(run):
    in_language()
    s = page_state()
    if s.take("class_rerun"):
        st.rerun()
    if not s.class_member:  # left, or the class ended, since this fragment was drawn
        if s.class_ended:
            st.info(_("Your teacher ended the class. Your run goes on here, as before."))
        return
    try:
        classes = database()
        member = classes.member(s.class_member)
        info = classes.by_id(member.class_id)
    except NotFound:
        s.reset(*MEMBER_FIELDS)
        s.class_ended = True
        st.info(_("Your teacher ended the class. Your run goes on here, as before."))
        return
    except Unavailable:
        unavailable()
        return
    now = time.monotonic()
    if run is not None and now - s.class_last_write >= WRITE_EVERY:
        snapshot = state.refresh(run)
        # A run that has not moved since the last write (paused, the same challenge) is not written again.
        seen = (run.id, snapshot.epoch, st.session_state.get("challenge"), snapshot.active)
        # Back in the class with a new run (rejoin): the dashboard keeps the results from before until it trains.
        held = s.class_back and snapshot.epoch == 0
        if seen != s.class_written and not held:
            try:
                if classes.write(s.class_member, **results(run, snapshot)):
                    s.class_last_write, s.class_written = now, seen
            except Unavailable:
                unavailable()
    with st.container(border=True, key="class_member_bar"):
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.text(_("The class: {title} · you are {name}").format(title=info.title, name=member.name))
        right.button(_("Leave class"), key="class_leave", on_click=_leave)
        if s.class_back:
            st.info(_("You are back in the class with a new run; the dashboard shows your last results (epoch "
                      "{epoch}) until it trains.").format(epoch=member.epoch))
            if run is not None and run.snapshot.epoch > 0:
                s.class_back = False
        if info.sent is not None and info.sent_seq > s.class_taken:
            s.class_sent = (info.sent_seq, info.sent)
            sent, take = st.columns([4, 1], vertical_alignment="center")
            sent.info(_("Your teacher sent: {what}").format(what=md(_sent_text(info.sent))))
            take.button(_("Take it"), key="class_take", on_click=_take, type="primary")


# The dashboard.
STATUS = {"working": N_("working"), "broken": N_("limit broken"), "over": N_("not reached in time")}


def status_text(status):
    if status is None:
        return _("no challenge")
    if status.get("state") == "solved":
        return _("solved at epoch {epoch} with {neurons} neurons").format(epoch=status.get("epoch"),
                                                                           neurons=status.get("neurons"))
    return _(STATUS.get(status.get("state"), N_("working")))


def figures_text(member):
    loss = "—" if member.test_loss is None else f"{member.test_loss:.3f}"
    score = "—" if member.score is None else f"{member.score:.3f}"
    name = _("test R²") if member.score_name == "r2" else _("test accuracy")
    return _("{engine} · epoch {epoch} · test loss {loss} · {score_name} {score}").format(
        engine=member.engine or "—", epoch=member.epoch, loss=loss, score_name=name, score=score)


def dashboard():
    """The teacher link's page: the class's links, what to send, the cards, the projector and the end."""
    s = page_state()
    try:
        info = database().by_teacher(s.class_teacher)
    except NotFound:
        st.error(_("This teacher link is wrong, or the class has ended."))
        return
    except Unavailable:
        unavailable()
        return
    if s.class_showing is not None:
        projector(info)
        return
    st.header(_("Class dashboard"))
    st.text(_("The class: {title}").format(title=info.title))
    with st.expander(_("Join link"), expanded=False):
        join_link_box(links(info)[0], info.title)
    cards(info.id)
    send_form(info)
    st.divider()
    if st.button(_("End class"), key="class_end", help=_("Students are told, and the class's data is deleted.")):
        try:
            database().end(info.id)
        except Unavailable:
            unavailable()
            return
        s.class_teacher = None
        st.success(_("The class has ended; its data is deleted."))


@st.fragment(run_every=DASHBOARD_EVERY)
def cards(class_id):
    in_language()
    try:
        members = database().members(class_id)
    except Unavailable:
        unavailable()
        return
    st.caption(ngettext("{n} student, the furthest along first; renewed every second.",
                        "{n} students, the furthest along first; renewed every second.", len(members)).format(
        n=len(members)))
    with st.container(key="class_cards"):
        for member in members:
            with st.container(border=True, key=f"class_card_{member.id}"):
                picture, text = st.columns([1, 6], vertical_alignment="center")
                if member.picture:
                    picture.image(member.picture, width=CARD_PICTURE,
                                  alt=_("Decision boundary of {name}").format(name=md(member.name)))
                text.text(member.name)
                text.caption(md(figures_text(member)) + " · " + md(status_text(member.challenge)))
    if members:
        ids = [m.id for m in members]
        names = {m.id: m.name for m in members}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.selectbox(_("A student's run"), ids, key="class_show_who", format_func=labels(ids, names.get))
        if right.button(_("Show on the projector"), key="class_show"):
            page_state().class_showing = st.session_state.class_show_who
            st.rerun(scope="app")


def send_form(info):
    options = [SETTINGS_KIND, *BY_KEY]
    what = st.selectbox(_("Send the class"), options, key="class_send_what",
                        format_func=labels(options, lambda k: _("the settings of a link") if k == SETTINGS_KIND
                                           else _("the challenge “{title}”").format(title=_(BY_KEY[k].title))))
    link = st.text_input(_("A link to the page with its settings"), key="class_send_link",
                         disabled=what != SETTINGS_KIND)
    if st.button(_("Send"), key="class_send"):
        if what == SETTINGS_KIND:
            query = dict(parse_qsl(urlsplit(link.strip()).query or link.strip().lstrip("?")))
            query = {key: value for key, value in query.items() if key in settings.BY_KEY}
            values, refused = challenges.from_query(query)
            if not query or refused:
                st.error(_("That link holds no settings this page can use."))
                return
            message = {"kind": SETTINGS_KIND, "query": query}
        else:
            message = {"kind": "challenge", "key": what}
        try:
            database().send(info.id, message)
        except Unavailable:
            unavailable()
            return
        st.success(_("Sent: {what}. Each student sees it and takes it with one press.").format(
            what=md(_sent_text(message))))


def projector(info):
    """One student's run, read-only, across the screen: presentation mode. A run on this server is drawn live, as
    the student's own page draws it (the network, the boundary and the curves, frame by frame); a run on another
    server of the class, as its latest results and boundary picture, renewed every second."""
    s, p = st.session_state, page_state()
    st.html("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], "
            "[data-testid='stExpandSidebarButton'] { display: none; }</style>")
    if st.button(_("Back to the dashboard"), key="class_show_end"):
        p.class_showing, s.presentation = None, False
        st.rerun()
    try:
        member = next((m for m in database().members(info.id) if m.id == p.class_showing), None)
    except Unavailable:
        member = None
    run = here(member.run if member is not None else None)
    p.class_shown_run = member.run if run is not None else None
    shown_member(info.id, p.class_showing)
    if run is not None:
        s.presentation = True   # the live part at a projector's size
        with st.container(key="class_projector_live"):
            live.projector_view(run)


def here(where):
    """The run a student's row names ("server:run id"), if it is on this server and open; else None."""
    server, _, run_id = (where or "").partition(":")
    return handle(int(run_id)) if server == SERVER and run_id.isdigit() else None


@st.fragment(run_every=DASHBOARD_EVERY)
def shown_member(class_id, member_id):
    in_language()
    try:
        members = {m.id: m for m in database().members(class_id)}
    except Unavailable:
        unavailable()
        return
    member = members.get(member_id)
    if member is None:
        st.info(_("This student has left the class."))
        return
    shown = page_state().class_shown_run
    if (member.run if here(member.run) is not None else None) != shown:
        st.rerun(scope="app")   # the student's run changed (a new run, or moved away): the live part follows
    with st.container(key="class_projector"):
        st.markdown("## " + md(member.name, NAME_LENGTH))
        if shown is None:   # drawn live below, the figures too
            st.subheader(md(figures_text(member)), anchor=False)
        st.markdown("**" + md(status_text(member.challenge)) + "**")
        if shown is None and member.picture:
            st.image(member.picture, width=480, alt=_("Decision boundary of {name}").format(name=md(member.name)))
