"""An animated GIF of the decision boundary over a run, for slides: drawn here with Pillow, not in a
browser, so its captions need a font that has Chinese as well (Noto CJK, from Debian's fonts-noto-cjk).
"""
import functools
import glob
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..i18n import _
from .charts import plane_colours
from .colours import OUTLINE, SYMBOL_POLYGONS, class_color, class_symbol

SIDE, CAPTION = 260, 30   # pixels of the plane, and of the caption under it
MAX_FRAMES, MAX_BYTES = 100, 5 * 2**20
FRAME_MS, LAST_MS = 120, 1500
FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/**/NotoSansCJK*.tt?",
         "/usr/share/fonts/**/NotoSansSC*.?tf", "/usr/share/fonts/**/DejaVuSans.ttf")


@functools.cache
def font(size=15):
    """A font with Chinese glyphs when one is installed, else one with Latin ones."""
    for pattern in FONTS:
        for path in sorted(glob.glob(pattern, recursive=True)):
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return ImageFont.load_default(size)


def boundary_gif(x, y, frames, points, labels, task, n_classes):
    """GIF bytes: one frame per (epoch, loss, outputs over the x × y grid) of `frames`, at most MAX_FRAMES,
    with the training points on the plane and "epoch · loss" under it; at most MAX_BYTES (fewer frames if
    need be). The plane's x1 grows to the right and x2 upwards, as on the chart."""
    frames = list(frames)
    if len(frames) > MAX_FRAMES:
        frames = [frames[i] for i in np.linspace(0, len(frames) - 1, MAX_FRAMES).round().astype(int)]
    while True:
        data = _encode([_frame(x, y, f, points, labels, task, n_classes) for f in frames])
        if len(data) <= MAX_BYTES or len(frames) <= 2:
            return data
        frames = frames[::2] + ([frames[-1]] if len(frames) % 2 == 0 else [])


def plane_image(x, y, outputs, points, labels, task, n_classes, side=SIDE, dot=3):
    """A picture of the outputs over the plane with the points on it, x1 to the right and x2 upwards: each class's
    points in its colour and shape, outlined."""
    plane = plane_colours(np.asarray(outputs, np.float32), task, n_classes, (len(y), len(x)))[::-1]
    image = Image.fromarray(plane).resize((side, side), Image.BILINEAR)
    draw = ImageDraw.Draw(image)
    px = (points[:, 0] - x[0]) / (x[-1] - x[0]) * (side - 1)
    py = (1 - (points[:, 1] - y[0]) / (y[-1] - y[0])) * (side - 1)
    for u, v, label in zip(px, py, labels):
        k = int(label) if task == "classification" else 0
        colour = class_color(k) if task == "classification" else "#444444"
        polygon = SYMBOL_POLYGONS[class_symbol(k)]
        if polygon is None:
            draw.ellipse((u - dot, v - dot, u + dot, v + dot), fill=colour, outline=OUTLINE)
        else:
            draw.polygon([(u + a * dot, v + b * dot) for a, b in polygon], fill=colour, outline=OUTLINE)
    return image


def _frame(x, y, frame, points, labels, task, n_classes):
    epoch, loss, outputs = frame
    image = Image.new("RGB", (SIDE, SIDE + CAPTION), "white")
    image.paste(plane_image(x, y, outputs, points, labels, task, n_classes))
    caption = _("epoch {epoch} · loss {loss:.4f}").format(epoch=epoch, loss=loss)
    ImageDraw.Draw(image).text((8, SIDE + 6), caption, fill="#111111", font=font())
    return image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def _encode(images):
    buffer = io.BytesIO()
    durations = [FRAME_MS] * (len(images) - 1) + [LAST_MS]
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=durations, loop=0,
                   optimize=True)
    return buffer.getvalue()
