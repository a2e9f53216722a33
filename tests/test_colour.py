"""Colour for everyone (WCAG 2.1 AA): the plane's classes and two-sided scale stay apart under simulated colour-vision
deficiencies, points keep 3:1 contrast with the plane, and the theme's text keeps 4.5:1.

Colour-vision deficiencies are simulated with Machado, Oliveira and Fernandes (2009), "A physiologically-based model
for simulation of color vision deficiency", severity 1.0 (protanopia, deuteranopia, tritanopia): a 3 × 3 matrix on
linear RGB. Distances are CIEDE2000 (ΔE00) in CIELAB under D65, checked here against Sharma, Wu and Dalal (2005).

The thresholds: ΔE00 ≈ 2.3 is a just-noticeable difference between large patches side by side; small marks need
several times more (Stone, Szafir and Setlur 2014, "An engineering model for color difference as a function of size").
- MARKS = 10 between any two classes' points (8 px marks), and between the two sides of the scale a quarter of the
  way out from its middle: about four times a just-noticeable difference. The classes differ by shape as well.
- AREAS = 5 between the plane's regions of two classes (large areas, at their surest tint): twice one.
"""
import base64
import io
import itertools
import re
import pathlib
import tomllib

import numpy as np
import pytest
from PIL import Image

from playground import plots
from playground.plots import colours

MARKS, AREAS = 10.0, 5.0
MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
VISIONS = [None, *MACHADO]   # None: typical colour vision
CONFIG = pathlib.Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def srgb(colour):
    """"#rrggbb" or (r, g, b) 0…255 → sRGB floats 0…1."""
    values = colours.rgb(colour) if isinstance(colour, str) else colour
    return np.asarray(values, float) / 255


def linear(s):
    return np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)


def simulate(s, vision):
    """sRGB 0…1 as a person with `vision` sees it (Machado 2009, severity 1)."""
    if vision is None:
        return s
    l = np.clip(linear(s) @ np.array(MACHADO[vision]).T, 0, 1)
    return np.where(l <= 0.0031308, 12.92 * l, 1.055 * l ** (1 / 2.4) - 0.055)


def lab(s):
    xyz = linear(s) @ np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                                [0.0193339, 0.1191920, 0.9503041]]).T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1, lab2):
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    C = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    G = 0.5 * (1 - np.sqrt(C ** 7 / (C ** 7 + 25 ** 7)))
    a1, a2 = (1 + G) * a1, (1 + G) * a2
    C1, C2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if C1 * C2 == 0 else (h2 - h1 + 180) % 360 - 180
    dH = 2 * np.sqrt(C1 * C2) * np.sin(np.radians(dh / 2))
    L, Cm = (L1 + L2) / 2, (C1 + C2) / 2
    if C1 * C2 == 0:
        h = h1 + h2
    elif abs(h1 - h2) <= 180:
        h = (h1 + h2) / 2
    else:
        h = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    T = (1 - 0.17 * np.cos(np.radians(h - 30)) + 0.24 * np.cos(np.radians(2 * h))
         + 0.32 * np.cos(np.radians(3 * h + 6)) - 0.20 * np.cos(np.radians(4 * h - 63)))
    SL = 1 + 0.015 * (L - 50) ** 2 / np.sqrt(20 + (L - 50) ** 2)
    SC, SH = 1 + 0.045 * Cm, 1 + 0.015 * Cm * T
    RT = -np.sin(np.radians(60 * np.exp(-((h - 275) / 25) ** 2))) * 2 * np.sqrt(Cm ** 7 / (Cm ** 7 + 25 ** 7))
    dL, dC, dH = L2 - L1, C2 - C1, dH
    return float(np.sqrt((dL / SL) ** 2 + (dC / SC) ** 2 + (dH / SH) ** 2 + RT * (dC / SC) * (dH / SH)))


def distance(c1, c2, vision=None):
    """ΔE00 between two colours as a person with `vision` sees them."""
    return ciede2000(lab(simulate(srgb(c1), vision)), lab(simulate(srgb(c2), vision)))


def worst_pair(palette, vision):
    return min((distance(a, b, vision), a, b) for a, b in itertools.combinations(palette, 2))


def on_scale(scale, t):
    """The colour at t of a plotly colour scale [[position, "#rrggbb"], ...], interpolated in sRGB as drawn."""
    positions = [p for p, _c in scale]
    stops = np.array([colours.rgb(c) for _p, c in scale], float)
    return tuple(float(np.interp(t, positions, stops[:, k])) for k in range(3))


def luminance(colour):
    return float(linear(srgb(colour)) @ [0.2126, 0.7152, 0.0722])


def contrast(c1, c2):
    """WCAG 2.1's contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(c1), luminance(c2)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def over(colour, alpha, background):
    """`colour` at opacity `alpha` over `background`, as a browser composes them (in sRGB)."""
    return tuple(alpha * a + (1 - alpha) * b for a, b in zip(srgb(colour) * 255, srgb(background) * 255))


# ---- the measures themselves

@pytest.mark.parametrize("lab1, lab2, expected", [   # Sharma, Wu and Dalal (2005), table 1: pairs 1, 7, 17, 25, 34
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
])
def test_ciede2000_gives_the_published_differences(lab1, lab2, expected):
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_the_simulation_merges_what_each_deficiency_confuses():
    # Red and green, far apart to typical vision, come together for the red-green deficiencies; blue and bluish
    # green for tritanopia. So the measures below can fail.
    red, green = "#d62728", "#2ca02c"
    assert distance(red, green) > 60
    assert distance(red, green, "deuteranopia") < MARKS
    assert distance(red, green, "protanopia") < distance(red, green) / 2
    assert distance("#0877bd", "#9467bd", "protanopia") < MARKS   # the former palette's blue and purple
    assert distance("#0072B2", "#009E73", "tritanopia") < distance("#0072B2", "#009E73") / 2
    assert np.allclose(simulate(srgb("#808080"), "tritanopia"), srgb("#808080"), atol=2e-3)  # greys stay grey


def test_the_contrast_ratio_of_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == 1


# ---- the plane

@pytest.mark.parametrize("vision", VISIONS)
def test_every_two_classes_points_stay_apart(vision):
    d, a, b = worst_pair(colours.CLASS_COLORS, vision)
    assert d >= MARKS, f"{a} and {b}: ΔE00 {d:.1f} under {vision or 'typical vision'}"


@pytest.mark.parametrize("vision", VISIONS)
def test_every_two_classes_regions_of_the_plane_stay_apart(vision):
    tints = [colours.tint(c, colours.PLANE_TINT[1]) for c in colours.CLASS_COLORS]
    d, a, b = worst_pair(tints, vision)
    assert d >= AREAS, f"{a} and {b}: ΔE00 {d:.1f} under {vision or 'typical vision'}"


def test_every_class_has_its_own_shape_and_colour():
    assert len(set(colours.CLASS_COLORS)) == len(colours.CLASS_COLORS) == len(colours.CLASS_SYMBOLS)
    assert len(set(colours.CLASS_SYMBOLS)) == len(colours.CLASS_SYMBOLS)
    polygons = [colours.SYMBOL_POLYGONS[s] for s in colours.CLASS_SYMBOLS]
    assert len({str(p) for p in polygons}) == len(polygons)
    assert set(colours.SYMBOL_GLYPHS) == set(colours.SYMBOL_POLYGONS)


@pytest.mark.parametrize("scale", ["PLANE_SCALE", "VALUE_SCALE"])
@pytest.mark.parametrize("vision", VISIONS)
def test_the_two_sided_scale_keeps_its_sides_apart(scale, vision):
    stops = getattr(colours, scale)

    def seen(t):
        return on_scale(stops, t)
    for out in (0.25, 0.5):   # a quarter of the way out from the middle on each side, and the ends
        d = distance(seen(0.5 - out), seen(0.5 + out), vision)
        assert d >= MARKS, f"{scale} at {0.5 - out} and {0.5 + out}: ΔE00 {d:.1f} under {vision}"
    for end in (0.0, 1.0):
        assert distance(seen(end), seen(0.5), vision) >= 2 * MARKS


def test_the_two_sided_scales_sides_are_the_two_classes_colours():
    low, high = colours.VALUE_SCALE[0][1], colours.VALUE_SCALE[-1][1]
    assert (low, high) == tuple(colours.CLASS_COLORS[:2])
    assert colours.PLANE_SCALE[0][1] == colours.tint(low, colours.PLANE_TINT[1])
    assert colours.PLANE_SCALE[-1][1] == colours.tint(high, colours.PLANE_TINT[1])


def _plane_pixels(figure):
    background = figure["data"][0]
    png = base64.b64decode(background["source"].split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)


@pytest.mark.parametrize("n_classes, discretize", [(2, False), (2, True), (5, False), (5, True), (7, True)])
def test_points_have_3_to_1_contrast_with_the_plane_under_them(n_classes, discretize):
    # Every pixel the plane can take: outputs from unsure to sure of each class.
    x, y, grid = plots.grid_points((-6, 6), (-6, 6), resolution=40)
    rng = np.random.default_rng(0)
    if n_classes == 2:
        outputs = np.linspace(0, 1, len(grid))[:, None]
    else:
        outputs = rng.dirichlet(np.full(n_classes, 0.3), len(grid))
        outputs[:n_classes] = np.eye(n_classes)
    labels = np.arange(10) % n_classes
    figure = plots.boundary_figure(x, y, outputs, "classification", [str(k) for k in range(n_classes)],
                                   (rng.normal(size=(10, 2)), labels), test=(rng.normal(size=(10, 2)), labels),
                                   discretize=discretize)
    pixels = np.unique(_plane_pixels(figure), axis=0)
    points = figure["data"][1:]
    outlines = {t["marker"]["line"]["color"] for t in points}
    assert outlines == {colours.OUTLINE} and all(t["marker"]["line"]["width"] >= 1 for t in points)
    worst = min(contrast(colours.OUTLINE, tuple(p)) for p in pixels)
    assert worst >= 3, f"outline {colours.OUTLINE} on the plane: {worst:.2f}:1"
    assert [t["marker"]["symbol"] for t in points] == [colours.class_symbol(k) + suffix for suffix in ("", "-dot")
                                                       for k in range(n_classes)]


def test_regression_points_have_3_to_1_contrast_with_the_plane_under_them():
    pixels = plots.charts.plane_colours(np.linspace(-3, 2, 400)[:, None], "regression", 0, (20, 20)).reshape(-1, 3)
    for p in [*np.unique(pixels, axis=0), (209, 213, 219), (255, 255, 255)]:  # and the grey of no outputs, white
        assert contrast(colours.OUTLINE, tuple(p)) >= 3


def test_the_legend_marks_and_confusion_labels_carry_the_class_shapes():
    figure = plots.confusion_figure([0, 1, 2], [0, 2, 1], ["a", "b", "c"])
    ticks = figure["layout"]["xaxis"]["ticktext"]
    for k, tick in enumerate(ticks):
        assert colours.SYMBOL_GLYPHS[colours.class_symbol(k)] in tick and colours.class_color(k) in tick
    assert figure["layout"]["yaxis"]["ticktext"] == ticks
    many = plots.confusion_figure([0, 9], [9, 0], [str(k) for k in range(10)])  # more classes than colours: names only
    assert "ticktext" not in many["layout"]["xaxis"]


# ---- the theme's text

def _theme(name="light"):
    """The theme `name` of .streamlit/config.toml (its [theme.light] or [theme.dark])."""
    return tomllib.loads(CONFIG.read_text())["theme"][name]


def _dark_primary_text():
    """The colour the page's style gives text that Streamlit writes in the primary colour, in the dark theme."""
    from playground.ui.page import STYLE
    rule = re.search(r'\[data-testid="stSliderThumbValue"\] p,[^{]*\{ color: (#[0-9a-f]{6}); \}', STYLE)
    return rule.group(1)


def test_the_page_follows_the_light_and_dark_themes():
    themes = tomllib.loads(CONFIG.read_text())["theme"]
    assert "base" not in themes and {"light", "dark"} <= set(themes)  # the browser's preference, or the menu's choice
    assert luminance(themes["dark"]["backgroundColor"]) < 0.02 < 0.9 < luminance(themes["light"]["backgroundColor"])


@pytest.mark.parametrize("name", ["light", "dark"])
def test_text_has_4_5_to_1_contrast_on_both_backgrounds(name):
    theme = _theme(name)
    for background in (theme["backgroundColor"], theme["secondaryBackgroundColor"]):
        assert contrast(theme["textColor"], background) >= 4.5


@pytest.mark.parametrize("name", ["light", "dark"])
def test_the_primary_colour_has_4_5_to_1_contrast_wherever_text_meets_it(name):
    theme = _theme(name)
    primary, page, sidebar = theme["primaryColor"], theme["backgroundColor"], theme["secondaryBackgroundColor"]
    # In the dark theme the page's style writes that text in a lighter colour: a primary dark enough for white text on
    # it is too dark for text on the dark page.
    text = primary if name == "light" else _dark_primary_text()
    # How Streamlit 1.5x draws it (its computed styles, measured in Chromium): as text on the page and in the sidebar
    # (a slider's value), under white text (a primary button), as the text of a selected segmented-control button on
    # the primary at 10% opacity, and the shortcut hint ("Space") in white at 60% opacity on a primary button.
    pairs = {"on the page": (text, page), "in the sidebar": (text, sidebar),
             "under white text": ("#ffffff", primary),
             "on its own 10% tint": (text, over(primary, 0.1, page)),
             "under the shortcut hint": (over("#ffffff", 0.6, primary), primary)}
    low = {name: round(contrast(*pair), 2) for name, pair in pairs.items() if contrast(*pair) < 4.5}
    assert not low, f"primary {primary}: {low}"


def _live_inks():
    """live.js's INKS: {"light": {...}, "dark": {...}}, the colours of the live charts' text and lines."""
    source = (pathlib.Path(colours.__file__).resolve().parent.parent / "ui" / "live_view" / "live.js").read_text()
    return {name: dict(re.findall(r'(\w+): "(#[0-9a-f]{6})"', body))
            for name, body in re.findall(r"^  (light|dark): \{([^}]*)\}", source, re.M)}


@pytest.mark.parametrize("name", ["light", "dark"])
def test_the_live_charts_text_and_lines_keep_their_contrast_on_each_theme(name):
    page, ink = _theme(name)["backgroundColor"], _live_inks()[name]
    assert set(ink) == {"text", "muted", "faint", "grid", "frame"}, ink
    for role in ("text", "muted", "faint"):
        assert contrast(ink[role], page) >= 4.5, (role, ink[role])
    assert contrast(ink["frame"], page) >= 3  # the plane's frame
    charts = plots.charts
    for colour in (charts.TRAIN_COLOR, charts.TEST_COLOR, *charts.PIN_COLORS, colours.LINK_NEGATIVE, colours.LINK_POSITIVE):
        assert contrast(colour, page) >= 3, colour


def test_the_former_primary_would_fail():
    # The check above catches what it is meant to: #1f6feb gave 4.24:1 in the sidebar and 2.64:1 under the hint.
    assert contrast("#1f6feb", "#f3f5f8") < 4.5
    assert contrast(over("#ffffff", 0.6, "#1f6feb"), "#1f6feb") < 3


def test_the_networks_pictures_take_the_planes_two_sides_and_strong_links_keep_3_to_1():
    from playground.plots import network
    assert [colours.NEGATIVE, colours.POSITIVE] == colours.CLASS_COLORS[:2]
    assert tuple(network.tile_colors(np.array([-1.0]))[0, :3]) == colours.rgb(colours.NEGATIVE)
    assert tuple(network.tile_colors(np.array([1.0]))[0, :3]) == colours.rgb(colours.POSITIVE)
    for link in (colours.LINK_NEGATIVE, colours.LINK_POSITIVE):
        assert contrast(link, "#ffffff") >= 3
    for vision in VISIONS:
        assert distance(colours.LINK_NEGATIVE, colours.LINK_POSITIVE, vision) >= MARKS


def test_gradient_healths_layer_lines_keep_3_to_1_and_differ_by_dash_where_colours_meet():
    from playground.plots import health
    lines = [(health.LAYER_COLORS[i % len(health.LAYER_COLORS)], health.LAYER_DASHES[i % len(health.LAYER_DASHES)])
             for i in range(9)]
    for colour, _dash in lines:
        assert contrast(colour, "#ffffff") >= 3, colour
    for (c1, d1), (c2, d2) in itertools.combinations(lines, 2):
        assert distance(c1, c2) >= MARKS
        if min(distance(c1, c2, vision) for vision in MACHADO) < MARKS:
            assert d1 != d2, f"{c1} and {c2} look alike to some, and have one dash"
    figure = health.health_figure(np.arange(3), np.ones((3, 9)), np.ones((3, 9)))
    assert [(t["line"]["color"], t["line"]["dash"]) for t in figure["data"][:9]] == lines


def test_curves_and_weights_keep_3_to_1_on_white():
    charts = plots.charts
    for colour in (charts.TRAIN_COLOR, charts.TEST_COLOR, charts.START_COLOR, *charts.PIN_COLORS):
        assert contrast(colour, "#ffffff") >= 3, colour
