"""The plane's colours and marks, defined once: the plotly figures, the GIF and sweep thumbnails, and the live
view's canvas (live.js, which gets them in its part's data) all draw from these.

Classes differ by colour and by the shape of their points, so that no one needs to tell colours apart. The
colours are seven of Okabe and Ito's eight ("Color Universal Design", 2008; the eighth, black, is the points'
outline): under simulated protanopia, deuteranopia and tritanopia every pair stays apart (tests/test_colour.py
measures it). The plane behind the points is paler than they are, and every point has a dark outline, so a
point keeps at least 3:1 contrast with whatever part of the plane it lies on.
"""

# Orange and blue for two classes, as in TensorFlow Playground; then bluish green, vermilion, reddish purple,
# sky blue and yellow.
CLASS_COLORS = ["#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"]
# Each class's shape, by plotly's marker symbol name; a test point is its class's shape with a dot in the middle
# (plotly's "-dot" symbols).
CLASS_SYMBOLS = ["circle", "square", "triangle-up", "diamond", "triangle-down", "cross", "x"]
# The outline of every point, and the dot of a test point.
OUTLINE = "#222222"

_R3, _R2 = 2 / 3 ** 0.5, 2 ** 0.5
_X = 0.8 / 2 ** 0.5
# Each symbol as a polygon in units of the mark's radius (plotly's size / 2), y downwards, as plotly draws it;
# None: a circle of that radius.
SYMBOL_POLYGONS = {
    "circle": None,
    "square": [(1, 1), (-1, 1), (-1, -1), (1, -1)],
    "triangle-up": [(-_R3, 0.5), (_R3, 0.5), (0, -_R2)],
    "diamond": [(1.3, 0), (0, 1.3), (-1.3, 0), (0, -1.3)],
    "triangle-down": [(-_R3, -0.5), (_R3, -0.5), (0, _R2)],
    "cross": [(1.2, 0.4), (0.4, 0.4), (0.4, 1.2), (-0.4, 1.2), (-0.4, 0.4), (-1.2, 0.4), (-1.2, -0.4), (-0.4, -0.4),
              (-0.4, -1.2), (0.4, -1.2), (0.4, -0.4), (1.2, -0.4)],
    "x": [(0, _X), (_X, 2 * _X), (2 * _X, _X), (_X, 0), (2 * _X, -_X), (_X, -2 * _X), (0, -_X), (-_X, -2 * _X),
          (-2 * _X, -_X), (-_X, 0), (-2 * _X, _X), (-_X, 2 * _X)],
}
# The same shapes as characters, for text (the confusion matrix's labels).
SYMBOL_GLYPHS = {"circle": "●", "square": "■", "triangle-up": "▲", "diamond": "◆", "triangle-down": "▼",
                 "cross": "✚", "x": "✖"}

# How strongly the plane takes its predicted class's colour (blended with white): from the least sure to the surest
# (and everywhere when the boundary is discretized).
PLANE_TINT = (0.15, 0.6)
# Values that are neither class, and a regression's 0: a light grey.
MIDDLE = "#f2f3f4"


def class_color(k):
    return CLASS_COLORS[k % len(CLASS_COLORS)]


def class_symbol(k):
    return CLASS_SYMBOLS[k % len(CLASS_SYMBOLS)]


def rgb(hex_colour):
    """"#rrggbb" → (r, g, b), each 0…255."""
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def tint(hex_colour, amount):
    """The colour blended with white: amount 0 is white, 1 the colour itself."""
    return "#" + "".join(f"{round(255 + (c - 255) * amount):02x}" for c in rgb(hex_colour))


# The plane's two-sided scale, behind the points and paler than them: for two classes the probability of the second
# (the first class's colour, grey, the second's), for a regression its value (low orange, high blue, as in
# TensorFlow Playground). Orange against blue stays apart under every colour-vision deficiency.
PLANE_SCALE = [[0.0, tint(CLASS_COLORS[0], PLANE_TINT[1])], [0.5, MIDDLE], [1.0, tint(CLASS_COLORS[1], PLANE_TINT[1])]]
# A regression's points, low to high: the same two sides at full strength.
VALUE_SCALE = [[0.0, CLASS_COLORS[0]], [0.5, "#f7f7f7"], [1.0, CLASS_COLORS[1]]]

# A neuron's picture, as the plane: below 0 towards the first class's colour, above 0 towards the second's. A link by
# its weight's sign: blue, and a darker orange, each 3:1 or more on white where the link is drawn at full strength.
NEGATIVE, POSITIVE = CLASS_COLORS[0], CLASS_COLORS[1]
LINK_NEGATIVE, LINK_POSITIVE = "#b27b00", CLASS_COLORS[1]

# One colour per layer for nine layers (8 hidden and the output), in the gradient charts: Okabe and Ito's, darkened
# where needed to 3:1 on white, then black and grey. Colours some colour visions confuse have different dashes
# (tests/test_colour.py).
LAYER_COLORS = ["#0072b2", "#d55e00", "#009e73", "#bd8300", "#ca73a3", "#1d96db", "#9c920c", "#000000", "#6b6b6b"]
LAYER_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
# Where a gradient counts as vanishing: a pale vermilion zone under a grey edge.
VANISHING_ZONE, VANISHING_EDGE = tint(CLASS_COLORS[3], 0.14), "#6b6b6b"
# A sweep's scores, low to high: from a pale to the full blue of the second class (the best cell is the darkest, never
# the palest); the best run is marked in vermilion, besides its shape and its ★.
SCORE_SCALE = [[0.0, tint(CLASS_COLORS[1], 0.06)], [1.0, CLASS_COLORS[1]]]
BEST = CLASS_COLORS[3]
