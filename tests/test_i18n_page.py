"""The whole page in Chinese (AppTest with lang=zh): no English sentence anywhere on it.

Every text the page shows is gathered (labels, help, messages, metrics, tabs, options, and the live
charts' titles, axes, legends, notes and hover texts) while the page goes through its sections, the
lessons and the tutorial's example. A text fails when an English word is left in it once what may
stay English is taken out: ALLOWED (names, identifiers, units) and formulas (LaTeX, plotly's
%{…} templates, HTML tags).
"""
import re
import time

import pytest

from conftest import read_live
from waits import run_until_stopped
from playground.ui.lessons import LESSONS

# Names, identifiers and units that stay as they are in Chinese text.
ALLOWED = {
    # engines, libraries, file formats, data sets
    "NumPy", "Keras", "TensorFlow", "MNIST", "CSV", "npz", "keras", "py", "csv", "numpy", "load", "savez",
    "saving", "load_model", "predict", "X", "scikit", "learn", "circle", "xor", "gauss", "spiral", "moons", "blobs", "plane",
    "multi", "digits", "mnist", "upload", "Windows", "UTF", "XOR", "file", "thinned", "gif", "Python", "R",
    "checkerboard", "rings", "sine",
    # the language selector names each language in itself
    "Language", "English",
    # activations, losses, optimizers, initializers, penalties, input features
    "tanh", "relu", "ReLU", "leaky_relu", "elu", "sigmoid", "softmax", "linear", "mse", "binary_crossentropy",
    "categorical_crossentropy", "huber", "sgd", "momentum", "rmsprop", "adam", "Adam", "He", "Glorot", "LeCun", "glorot_uniform", "he_normal",
    "lecun_normal", "small_normal", "zeros", "l1", "l2", "L1", "L2", "sin",
    "x1", "x2", "float32", "float64", "input_mean", "input_std",
    # keys, math letters and marks
    "Space", "S", "Esc", "W", "b", "L", "z", "a", "c", "f", "h", "k", "g", "e", "ln", "x", "y", "w", "max", "px",
    "u", "v",  # the space view's coordinates, in its boundary line p·u + q·v + r = 0
}
LATEX = re.compile(r"\\[a-zA-Z]+|\$[^$]*\$")
TEMPLATE = re.compile(r"%\{[^}]*\}|<[^>]+>|&[a-z]+;|:[a-z-]+\[|:material/[a-z_]+:")
WORD = re.compile(r"[A-Za-z][A-Za-z_0-9']*")


def english_left(text):
    """The English words left in `text` once the allowed names, formulas and templates are taken out."""
    text = TEMPLATE.sub(" ", LATEX.sub(" ", str(text)))
    return [word for word in WORD.findall(text) if word.strip("'") not in ALLOWED and not word[1:].isdigit()]


def texts(at, charts):
    """Every text the page shows now, with where it was found."""
    found = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        found += [(kind, element.value) for element in getattr(at, kind)]
    for metric in at.metric:
        found += [("metric", metric.label), ("metric help", metric.proto.help)]
    for kind in ("button", "checkbox", "toggle", "selectbox", "select_slider", "slider", "number_input",
                 "multiselect", "radio"):
        for widget in getattr(at, kind):
            found += [(kind, widget.label), (f"{kind} help", getattr(widget, "help", "") or "")]
            if kind in ("selectbox", "radio"):
                found += [(f"{kind} option", option) for option in widget.options]
    found += [("expander", expander.label) for expander in at.expander]
    found += [("tab", tab.label) for tab in at.tabs]
    found += [("download", d.proto.label) for d in at.get("download_button")]
    found += [("download help", d.proto.help) for d in at.get("download_button")]
    found += [("uploader", u.proto.label) for u in at.get("file_uploader")]
    for latex in at.latex:
        found += [("latex text", part) for part in re.findall(r"\\text\{([^}]*)\}", latex.body)]
    for key, figure in charts(at).items():
        layout = figure["layout"]
        found.append((key, (layout.get("title") or {}).get("text", "")))
        found += [(key, a.get("text", "")) for a in layout.get("annotations", [])]
        for axis in [value for name, value in layout.items() if name.startswith(("xaxis", "yaxis"))]:
            found.append((key, (axis.get("title") or {}).get("text", "")))
            found += [(key, tick) for tick in axis.get("ticktext", [])]
        for trace in figure["data"]:
            found += [(key, trace.get("name", "")), (key, trace.get("hovertemplate", ""))]
            found += [(key, hover) for hover in (trace.get("text") or []) if isinstance(hover, str)]
    for key, data in read_live(at).items():  # the live view's words, drawn in the browser (which fills in {…})
        found += [(key, re.sub(r"\{\w+\}", "1", text)) for text in data.get("labels", {}).values()]
        found += [(key, re.sub(r"\{\w+\}", "1", text)) for text in data.get("table", {}).values()]
        found += [(key, re.sub(r"\{\w+\}", "1", there)) for _english, there in data.get("streamlit_words", [])]
        found += [(key, data[name]) for name in ("title", "empty") if data.get(name)]
    return found


def untranslated(at, charts):
    return sorted({(where, text) for where, text in texts(at, charts) if text and english_left(text)})


def test_the_allow_list_lets_names_through_and_stops_sentences():
    assert english_left("学习率 α，激活函数 tanh，x1²，%{x:.2f}<br>") == []
    assert english_left("Press Play to train") == ["Press", "Play", "to", "train"]


@pytest.mark.slow
def test_every_part_of_the_page_is_in_chinese(app, charts, tool):
    at = app(timeout=180, lang="zh")
    seen = untranslated(at, charts)
    at.button(key="step").click().run()
    at.button(key="pin").click().run()
    at.button(key="play").click().run()
    at.button(key="play").click().run()
    tool(at, "proofs")
    at.button(key="proof_gradients").click().run()
    seen += untranslated(at, charts)
    for name in ("takeaway", "step", "finder", "sweep", "challenge", "space"):
        seen += untranslated(tool(at, name), charts)
    tool(at, "compare")
    for lesson in LESSONS:
        at.button(key=f"lesson_{lesson.key}").click().run()
        seen += untranslated(at, charts)
    at.button(key="lesson_explode").click().run()
    at.button(key="play").click().run()
    run_until_stopped(at)
    seen += untranslated(at, charts)  # the divergence message
    at.button(key="preset_source").click().run()
    at.button(key="preset_compare").click().run()
    seen += untranslated(at, charts)  # the tutorial's example in both engines, on digits' image views
    at.selectbox(key="dataset").select("plane").run()
    seen += untranslated(at, charts)  # regression
    assert not at.exception
    assert seen == [], "\n".join(f"{where}: {text}" for where, text in seen)


@pytest.mark.slow
def test_switching_language_while_playing_keeps_the_run_playing(app):
    at = app(lang="en")
    at.button(key="play").click().run()
    run = at.session_state.page.run
    before = run.snapshot.epoch
    at.selectbox(key="lang").select("zh").run()
    time.sleep(0.3)
    at.run()
    assert at.session_state.page.run is run and run.snapshot.active
    assert run.snapshot.epoch > before and read_live(at)["live_metrics"]["labels"]["epoch"] == "轮次"
    assert at.query_params["lang"] == "zh"
    at.button(key="play").click().run()
