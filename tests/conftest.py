"""What the tests share: the project on the path, the process set up as the app sets it up, the
markers, the helpers that open the page (AppTest) and read its charts, and, for the browser tests, one
Chromium and one Streamlit server for the whole run (`browser`, `shared_server`, `browser_and_url`).
The waits are in waits.py.

pytest.ini runs the tests with pytest-xdist, a process per core (`--dist loadgroup`). The tests that must
not overlap one another get the xdist group SERIAL_GROUP, so they run in one process, one after another:
every browser test (Chromium and a server each take the cores in bursts, and several measure what a
server gives: frames, presses, memory), every test that uses the shared server, and those marked
`serial` (a sweep at the page's low priority, whose share of the cores another server would take; a
sweep's folders left on disk, which a server or the sweep's command line starting meanwhile removes).

Markers: `browser` (a real Chromium: every test in a module named *_browser.py gets it), `slow` (a
test that trains for long or loads TensorFlow: every test parametrized with the Keras engine gets
it) and `page` (the page in AppTest: every test that uses the `app` fixture). The everyday run skips
all three:

    python -m pytest -m "not browser and not slow and not page"

No test may wait forever: one that runs for longer than TEST_TIMEOUT seconds fails (pytest-timeout)
and prints where it was, and the run goes on; a test that needs longer says so with its own
`@pytest.mark.timeout`.
"""
import asyncio
import base64
import json
import os
import sys
import tempfile
import threading

import numpy as np
import pytest

# The tests import the project from the repository itself, wherever pytest is started.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from playground.startup import configure_process  # noqa: E402

configure_process()
TEST_TIMEOUT = 600  # seconds a test may take before it fails as hung (the forty sessions' test sets its own)
SERIAL_GROUP = "serial"  # the xdist group of the tests that run one after another, in one process
APP = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "app.py")


def pytest_configure(config):
    # The class view's database: one of the test run's own (the servers it starts inherit it), never the user's.
    if "PLAYGROUND_DATABASE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="playground-tests-")
        os.environ["PLAYGROUND_DATABASE"] = f"sqlite:///{os.path.join(folder, 'classes.sqlite3')}"
    config.addinivalue_line("markers", "browser: drives the page in Chromium (Debian's /usr/bin/chromium)")
    config.addinivalue_line("markers", "slow: trains for long or loads TensorFlow; left out of the everyday run")
    config.addinivalue_line("markers", "page: runs the page in AppTest (every test that uses the `app` fixture)")
    config.addinivalue_line("markers", "serial: runs with the browser tests, one after another (pytest-xdist): it "
                                       "needs a share of the cores, or what another test would change meanwhile")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if item.module.__name__.endswith("_browser"):
            item.add_marker(pytest.mark.browser)
        if ("shared_server" in getattr(item, "fixturenames", ()) or item.get_closest_marker("browser")
                or item.get_closest_marker("serial")):
            item.add_marker(pytest.mark.xdist_group(SERIAL_GROUP))
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.page)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and any(isinstance(v, str) and v == "keras" for v in callspec.params.values()):
            item.add_marker(pytest.mark.slow)  # the Keras engine: TensorFlow loads
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))


def run_async(coroutine):
    """asyncio.run(coroutine) in a thread of its own, returning its result or raising its error: a test
    process that has driven Chromium holds Playwright's event loop in its main thread, where asyncio.run
    refuses to start."""
    outcome = []

    def run():
        try:
            outcome.append((True, asyncio.run(coroutine)))
        except BaseException as error:
            outcome.append((False, error))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def open_page(timeout=60, tool=None, **query):
    """The page after its first run (AppTest), opened with `query` as the URL's parameters; with `tool`,
    that tool is then chosen below the live part."""
    from streamlit.testing.v1 import AppTest
    from playground.ui.state import PageState
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    # As a browser sees it once the live view has drawn its first frame: the sidebar and the lower row are drawn
    # (on a first run they wait for it; test_page_order.py covers that wait).
    at.session_state["page"] = PageState(first_frame_drawn=True)
    at.run()
    return open_tool(at, tool) if tool else at


def open_tool(at, tool):
    """Chooses `tool` ("compare", "takeaway", "step", "proofs", "finder", "sweep", "challenge") below the
    live part."""
    return at.segmented_control(key="tool").set_value(tool).run()


def _arrays(value):
    """Plotly's base64 typed arrays ({"dtype", "bdata"[, "shape"]}) in a figure, as (nested) lists."""
    if isinstance(value, dict) and set(value) >= {"dtype", "bdata"}:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return (array.reshape([int(n) for n in str(shape).split(",")]) if shape else array).tolist()
    if isinstance(value, dict):
        return {key: _arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_arrays(item) for item in value]
    return value


def read_charts(at):
    """{key: figure} of every plotly chart on the page, its typed arrays decoded. The weights and gradient
    health come once the live view has drawn its first frame: here, as if it had."""
    if not at.session_state.page.first_frame_drawn:
        at.session_state.page.first_frame_drawn = True
        at.run()
    return {element.proto.id.rsplit("-", 1)[-1]: _arrays(json.loads(element.proto.spec))
            for element in at.get("plotly_chart")}


def read_live(at):
    """{key: data} of the live view's parts on the page (ui/live_view): what the page gives live.js."""
    return {element.proto.id.rsplit("-", 1)[-1]: json.loads(element.proto.json)
            for element in at.get("bidi_component")}


def write_mnist(path, n_train=30, n_test=12, **replace):
    """A small mnist.npz in Keras's format: uint8 images (n, 28, 28), labels (n,); `replace` swaps arrays
    (None drops one)."""
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "y_train": np.arange(n_train, dtype=np.uint8) % 10,
              "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "y_test": np.arange(n_test, dtype=np.uint8) % 10}
    arrays.update(replace)
    np.savez(path, **{key: value for key, value in arrays.items() if value is not None})
    return arrays


@pytest.fixture
def app():
    """open_page: the page in AppTest, opened with a link's parameters."""
    return open_page


@pytest.fixture
def tool():
    """open_tool: chooses a tool below the live part of a page in AppTest."""
    return open_tool


@pytest.fixture
def charts():
    """read_charts: the live charts' figures on a page."""
    return read_charts


@pytest.fixture
def live():
    """read_live: the data of the live view's parts on a page."""
    return read_live


@pytest.fixture
def mnist_writer():
    """write_mnist: a small mnist.npz in Keras's format."""
    return write_mnist


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, one for the whole run (of this pytest process); see `browser`."""
    from playwright.sync_api import sync_playwright

    from playground.bench.browser import launch_chromium
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each test's outcome on it, so `browser` can tell a failed test's pages from a passed one's."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browser(chromium, request):
    """Chromium, shared by the tests; each opens its pages in contexts of its own (`open_app` does), and
    those it leaves open are closed after it. artifacts/ exists for their screenshots; a test that fails
    leaves one of each page it had open there, artifacts/failed-<test>-<n>.png, for a person to look at."""
    from playground.bench.browser import ROOT
    folder = os.path.join(ROOT, "artifacts")
    os.makedirs(folder, exist_ok=True)
    yield chromium
    report = getattr(request.node, "report_call", None)
    pages = [page for context in chromium.contexts for page in context.pages]
    if report is not None and report.failed:
        for n, page in enumerate(pages):
            try:
                page.screenshot(path=os.path.join(folder, f"failed-{request.node.name}-{n}.png"), full_page=True)
            except Exception as error:  # a page that crashed has no picture; the test's own error says why
                print(f"no screenshot of page {n}: {error}")
    for context in chromium.contexts:
        context.close()


@pytest.fixture(scope="session")
def shared_server():
    """(process, address) of one Streamlit server running app.py, shared by every test (of this pytest
    process) that can share one: those that neither stop its workers, nor measure its memory or its
    processes' CPU, nor need other settings. pytest-xdist runs them in one process (SERIAL_GROUP)."""
    from playground.bench.browser import start_streamlit
    with start_streamlit("app.py") as (process, url):
        yield process, url


@pytest.fixture
def wire_class(tmp_path, monkeypatch):
    """(Students, the join link, the ClassInfo) of a class in a database of its own, served by a server of its own
    (one worker), whose students join without a browser (playground/bench/wire.py); AppTest pages of the test
    open the same database."""
    from playground import classroom_db
    from playground.bench.browser import start_streamlit
    from playground.bench.wire import Students

    database = f"sqlite:///{tmp_path / 'classes.sqlite3'}"
    monkeypatch.setenv("PLAYGROUND_DATABASE", database)
    info = classroom_db.Classes(database).open("Period 3")
    with start_streamlit("app.py", env={"PLAYGROUND_DATABASE": database, "PLAYGROUND_WORKERS": "1"}) as (_, url):
        students = Students()
        try:
            yield students, f"{url}/?class={info.join_code}", info
        finally:
            students.close()
            classroom_db._opened.pop(database, None)


@pytest.fixture
def browser_and_url(browser, shared_server):
    """(Chromium, the address of the shared Streamlit server running app.py)."""
    return browser, shared_server[1]
