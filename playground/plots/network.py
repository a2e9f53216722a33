"""The network view: every neuron a small picture, every link coloured by its weight.

One figure for the whole network (data off the plane; a set in the plane has the live view's):
- every neuron's picture (its tile) is painted into one RGBA image, transparent between the
  tiles, and sent as a PNG: a layout image above the traces (plotly draws an `image` trace under
  every line), whose `source` is a data URI, so the links pass behind the pictures;
- the links are a few line traces, one per sign and width class, segments separated by gaps;
- invisible markers at the neurons' centres and the links' midpoints carry what hover shows;
- `layout.meta.hover_zoom` names, for each neuron marker, the box of its tile in the image.
A layer wider than `limit` (MAX_NEURONS) shows its first neurons, and the figure says how many more
it has; with no limit, every neuron. Where the columns are many, their titles are short ("3" for
"layer 3", "+24" for 24 more neurons), so that no two meet.
"""
import base64
import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..frames import MAX_NEURONS  # the live view's limit: both views show the same neurons
from ..i18n import _
from . import colours

SHORT_AFTER = 5  # columns (inputs and output included) that take their full titles
MIN_TILE = 16    # pixels: smaller pictures (digits' 8 × 8) are enlarged, so frames and gaps stay thin
# Orange for negative, blue for positive, as in TensorFlow Playground: the plane's two sides (plots/colours.py).
NEGATIVE, POSITIVE = np.array(colours.rgb(colours.NEGATIVE)), np.array(colours.rgb(colours.POSITIVE))
LINK_NEGATIVE, LINK_POSITIVE = np.array(colours.rgb(colours.LINK_NEGATIVE)), np.array(colours.rgb(colours.LINK_POSITIVE))
# |w| below 0.1, 0.3, 0.7, 1.5 and above: five line widths.
WIDTH_EDGES, LINE_WIDTHS = (0.1, 0.3, 0.7, 1.5), (0.5, 1.0, 2.0, 3.5, 5.0)


@dataclass
class Column:
    """One column of the view: a layer, or the inputs.

    `tiles` (n, h, w) holds one picture per neuron, values in [−1, 1]: blue above 0, orange
    below, stronger further from 0. `hover` has one text per neuron; `title` names the column.
    `size` is the number of neurons in the layer, when fewer tiles are given (the first ones);
    `labels`, if given, are written left of the tiles (the input features' names); `off`, the places of its
    neurons switched off, drawn grey.
    """
    title: str
    tiles: np.ndarray
    hover: list
    size: int = 0
    labels: tuple = ()
    off: tuple = ()


def tile_colors(values):
    """RGBA uint8 for values in [−1, 1]: white at 0, blended towards blue (+) or orange (−)."""
    v = np.clip(np.nan_to_num(values, nan=0.0), -1, 1)[..., None]
    rgb = 255 + (np.where(v > 0, POSITIVE, NEGATIVE) - 255) * np.abs(v)
    return np.concatenate([rgb, np.full(v.shape, 255.0)], axis=-1).astype(np.uint8)


# The tiles are painted in LEVELS steps on each side of 0, so the image is a small palette PNG;
# then come a grey for each tile's frame (a white tile still shows), a darker grey for a neuron switched off,
# and a transparent entry.
LEVELS = 16
PALETTE = np.vstack([tile_colors(np.arange(-LEVELS, LEVELS + 1) / LEVELS)[:, :3],
                     [[209, 213, 219], [128, 128, 128], [255, 255, 255]]])
FRAME, OFF, TRANSPARENT = len(PALETTE) - 3, len(PALETTE) - 2, len(PALETTE) - 1


def png_uri(indices):
    """A data URI of the palette PNG of an (h, w) array of PALETTE indices (TRANSPARENT: none)."""
    image = Image.fromarray(indices.astype(np.uint8), "P")
    image.putpalette(PALETTE.astype(np.uint8).ravel().tolist())
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=TRANSPARENT, optimize=False, compress_level=6)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _layout(columns):
    """Tile size, column and row steps (pixels of the composite image) and each tile's corner."""
    h, w = columns[0].tiles.shape[1:]
    shown = [len(c.tiles) for c in columns]
    # Wide room for the links between a few columns; past SHORT_AFTER columns, less, so that the pictures stay large
    # (8 layers of 8 in the live row of a 1280 px screen: 24 px or more).
    links = 2.4 if len(columns) <= SHORT_AFTER else 0.7
    col_step, row_step = w + round(links * w), h + max(2, round(0.3 * h))
    rows = max(shown)
    corners = [[(c * col_step, (rows - k) * row_step // 2 + i * row_step) for i in range(k)]
               for c, k in enumerate(shown)]
    size = ((rows - 1) * row_step + h, (len(columns) - 1) * col_step + w)
    return (h, w), corners, size


def _composite(columns, corners, size):
    """The PALETTE indices of every shown tile, framed, in place; transparent elsewhere."""
    canvas = np.full((size[0] + 2, size[1] + 2), TRANSPARENT, np.uint8)
    for column, places in zip(columns, corners):
        h, w = column.tiles.shape[1:]
        for j, (tile, (x, y)) in enumerate(zip(column.tiles, places)):
            canvas[y:y + h + 2, x:x + w + 2] = FRAME
            canvas[y + 1:y + h + 1, x + 1:x + w + 1] = (
                OFF if j in column.off else LEVELS + np.rint(LEVELS * np.clip(np.nan_to_num(tile), -1, 1)))
    return canvas


def _links(weights, corners, tile):
    """Line traces of the links (by sign and width class) and one hover trace per pair of columns."""
    h, w = tile
    segments = {}
    hover = []
    for c, W in enumerate(weights):
        if W is None:
            continue
        left, right = corners[c], corners[c + 1]
        W = W[:len(left), :len(right)]
        i, j = np.meshgrid(np.arange(len(left)), np.arange(len(right)), indexing="ij")
        i, j, values = i.ravel(), j.ravel(), W.ravel()
        x0, x1 = left[0][0] + w, right[0][0]
        y0 = np.array([y for _x, y in left])[i] + h / 2
        y1 = np.array([y for _x, y in right])[j] + h / 2
        widths = np.digitize(np.abs(values), WIDTH_EDGES)
        for sign, width in set(zip(values > 0, widths)):
            pick = ((values > 0) == sign) & (widths == width)
            xs, ys = segments.setdefault((sign, width), ([], []))
            n = int(pick.sum())
            xs.append(np.column_stack([np.full(n, x0), np.full(n, x1), np.full(n, np.nan)]).ravel())
            ys.append(np.column_stack([y0[pick], y1[pick], np.full(n, np.nan)]).ravel())
        hover.append((c, (x0 + x1) / 2, (y0 + y1) / 2, values))
    lines = [{"type": "scatter", "mode": "lines", "x": np.concatenate(xs).astype(np.float32),
              "y": np.concatenate(ys).astype(np.float32), "hoverinfo": "skip", "showlegend": False,
              "line": {"width": LINE_WIDTHS[width], "color": "rgba(%d,%d,%d,0.55)" % tuple(LINK_POSITIVE if sign else LINK_NEGATIVE)}}
             for (sign, width), (xs, ys) in sorted(segments.items())]
    return lines, hover


def network_figure(columns, weights, smooth=True, title="Network", height=None, limit=MAX_NEURONS):
    """The network as a figure dict: `columns` (Column, inputs first), and between each pair of
    neighbouring columns its weights W (n_in, n_out), or None to draw no links there; at most `limit`
    neurons a column (None: all)."""
    factor = -(-MIN_TILE // columns[0].tiles.shape[2])
    columns = [Column(c.title, c.tiles[:limit].repeat(factor, axis=1).repeat(factor, axis=2), c.hover,
                      max(c.size, len(c.tiles)), c.labels, c.off) for c in columns]
    tile, corners, size = _layout(columns)
    h, w = tile
    lines, link_hover = _links(weights, corners, tile)
    data = list(lines)
    picture = {"source": png_uri(_composite(columns, corners, size)), "xref": "x", "yref": "y", "x": -0.5, "y": -0.5,
               "sizex": size[1] + 2, "sizey": size[0] + 2, "sizing": "stretch", "xanchor": "left", "yanchor": "top",
               "layer": "above"}
    for c, x, y, custom in link_hover:
        data.append({"type": "scatter", "mode": "markers", "x0": x, "dx": 0, "y": y.astype(np.float32),
                     "customdata": custom.astype(np.float32), "marker": {"size": 7, "opacity": 0}, "showlegend": False,
                     "hovertemplate": _("a link {source} → {target}").format(source=columns[c].title,
                                                                              target=columns[c + 1].title)
                                      + "<br>w = %{customdata:.3f}<extra></extra>"})
    centres = [(x + w / 2, y + h / 2) for places in corners for x, y in places]
    texts = [text for column, places in zip(columns, corners) for text in column.hover[:len(places)]]
    data.append({"type": "scatter", "mode": "markers", "x": np.array([x for x, _y in centres], np.float32),
                 "y": np.array([y for _x, y in centres], np.float32), "text": texts, "showlegend": False,
                 "marker": {"size": max(12, w), "opacity": 0, "symbol": "square"},
                 "hovertemplate": "%{text}<extra></extra>"})
    zoom = {"trace": len(data) - 1, "image": 0, "smooth": smooth,
            "boxes": [[x + 1, y + 1, w, h] for places in corners for x, y in places]}
    layout = _figure_layout(columns, corners, tile, size, title, zoom)
    layout["images"] = [picture]
    if height:
        layout["height"] = height
    return {"data": data, "layout": layout}


def _figure_layout(columns, corners, tile, size, title, zoom):
    (h, w), (height, width) = tile, size
    annotations = []
    # Full titles while the columns are few; past SHORT_AFTER, a layer's number, "x" and "ŷ".
    short = len(columns) > SHORT_AFTER
    for c, (column, places) in enumerate(zip(columns, corners)):
        x = places[0][0] + w / 2
        name = column.title if not short else "x" if c == 0 else "ŷ" if c == len(columns) - 1 else str(c)
        annotations.append({"text": name, "x": x, "y": places[0][1] - 0.15 * h, "yanchor": "bottom",
                            "showarrow": False, "font": {"size": 12}, "hovertext": column.title})
        for label, (x0, y0) in zip(column.labels, places):
            annotations.append({"text": label, "x": x0 - 0.15 * w, "y": y0 + h / 2, "xanchor": "right",
                                "showarrow": False, "font": {"size": 12}})
        total = max(column.size, len(column.tiles))
        if total > len(places):
            more = "+%d" % (total - len(places)) if short else _("+ {n} more").format(n=total - len(places))
            annotations.append({"text": more, "hovertext": _("{shown} of {n}").format(shown=len(places), n=total),
                                "x": x,
                                "y": places[-1][1] + 1.15 * h, "yanchor": "top", "showarrow": False,
                                "font": {"size": 12, "color": "#6b7280"}})
    rows = max(len(places) for places in corners)
    # Room at the left for the longest input label ("sin(x1)"), at about a fifth of a tile per character.
    left = max(0.5, 0.35 + 0.2 * max((len(str(label)) for label in columns[0].labels), default=0))
    hidden = {"visible": False, "fixedrange": True}
    # Up to MAX_NEURONS rows the figure fits the live row; every neuron of a wider layer takes the height it needs.
    return {"height": max(340, 130 + 46 * rows) if rows <= MAX_NEURONS else 130 + 34 * rows, "margin": {"l": 10, "r": 10, "t": 36 + 18 * title.count("<br>"), "b": 10},
            "title": {"text": title, "x": 0, "font": {"size": 14}}, "uirevision": "keep", "showlegend": False,
            "paper_bgcolor": "white", "plot_bgcolor": "white", "hovermode": "closest", "annotations": annotations,
            "xaxis": {**hidden, "range": [-left * w, width + 0.5 * w], "constrain": "domain"},
            "yaxis": {**hidden, "range": [height + 1.1 * h, -0.9 * h], "scaleanchor": "x", "constrain": "domain"},
            "meta": {"hover_zoom": zoom}}
