"""Links a teacher gives out: short, faithful to the settings, each with its text to copy and a QR code."""
import io

import numpy as np
from PIL import Image

from playground import settings

SETUPS = [
    {},
    {"dataset": "spiral", "features": ("x1", "x2", "sin(x1)", "sin(x2)"), "layers": 3, "width_3": 6,
     "learning_rate": 0.1, "optimizer": "adam"},
    {"dataset": "plane", "output": "sigmoid", "loss": "mse", "classroom": ("learning_rate", "optimizer")},
    {"dataset": "circle", "challenge": "spiral12", "lang": "zh"},
    {"dataset": "checkerboard", "init": "zeros", "dropout": 0.3, "clip_norm": 1.0, "stop_epoch": 212,
     "stop_metric": "test_score", "stop_value": 0.95},
    {"dataset": "sine", "per_layer_dropout": True, "dropout_1": 0.5, "dropout_2": 0.1, "init": "lecun_normal",
     "stop_metric": "test_loss", "stop_value": 0.2, "classroom": ("dropout", "init", "stop")},
    {"dataset": "rings", "output": "softmax", "loss": "categorical_crossentropy", "init": "he_normal"},
    {"dataset": "plane", "output": "linear", "loss": "huber", "init": "small_normal", "clip_norm": 0.01},
]


def opened(query):
    """The settings a link's query opens with."""
    values, refused = settings.from_query(query)
    assert not refused
    return values


def test_each_link_opens_the_settings_it_was_made_from_and_no_more():
    for setup in SETUPS:
        values = {**settings.defaults(), **setup}
        links = settings.share_links(values)
        expected = settings.to_query({**values, "presentation": False})
        assert settings.to_query(opened(links["page"])) == expected
        assert opened(links["presentation"])["presentation"] is True
        assert opened(links["classroom"])["classroom"] == (values["classroom"] or ("all",))
        assert settings.to_query({**opened(links["classroom"]), "classroom": values["classroom"]}) == expected
        assert ("challenge" in links) == bool(values["challenge"])
        if values["challenge"]:
            assert opened(links["challenge"])["challenge"] == values["challenge"]


def test_the_page_link_leaves_out_the_defaults():
    assert settings.share_links(settings.defaults())["page"] == {
        "dataset": "circle", "output": "sigmoid", "loss": "binary_crossentropy"}


def test_the_share_tool_gives_each_link_to_copy_and_a_qr_code_to_scan_from_afar(app):
    at = app(timeout=90, tool="share", challenge="spiral12", learning_rate="0.1")
    assert not at.exception
    links = [code.value for code in at.code]
    assert len(links) == 4 and all(link.startswith("http") and "?" in link for link in links)
    page, classroom, presentation, challenge = (next(link for link in links if test(link)) for test in (
        lambda link: "classroom" not in link and "presentation" not in link and "dataset" in link,
        lambda link: "classroom=all" in link, lambda link: "presentation=1" in link,
        lambda link: "dataset" not in link))
    assert "learning_rate=0.1" in page and "learning_rate=0.1" in classroom and "learning_rate=0.1" in presentation
    assert challenge.endswith("?challenge=spiral12")
    from playground.ui.share import QR_PIXELS, qr_png
    assert QR_PIXELS >= 400
    for link in links:
        image = Image.open(io.BytesIO(qr_png(link)))
        pixels = np.asarray(image.convert("L"))
        assert image.width >= QR_PIXELS and image.width == image.height
        dark_columns = np.flatnonzero((pixels < 128).any(axis=0))
        modules = (dark_columns[-1] - dark_columns[0] + 1)
        assert modules >= 300   # the code itself, quiet zone aside, spans most of the picture
    assert len(at.get("image")) == 4


def test_the_page_link_carries_the_stop_condition_dropout_clipping_and_initializer():
    assert settings.share_links({**settings.defaults(), **SETUPS[4]})["page"] == {
        "dataset": "checkerboard", "output": "sigmoid", "loss": "binary_crossentropy", "stop_epoch": "212",
        "stop_metric": "test_score", "dropout": "0.3", "clip_norm": "1.0", "init": "zeros"}   # 0.95 is the default
    sine = settings.share_links({**settings.defaults(), **SETUPS[5]})["page"]
    assert {key: sine[key] for key in ("stop_metric", "stop_value", "per_layer_dropout", "dropout_1", "dropout_2")} == {
        "stop_metric": "test_loss", "stop_value": "0.2", "per_layer_dropout": "1", "dropout_1": "0.5", "dropout_2": "0.1"}
    assert settings.share_links({**settings.defaults(), **SETUPS[7]})["page"]["loss"] == "huber"
