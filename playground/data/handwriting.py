"""A digit drawn on the page's pad, made into an image of an image set, as that set's own images were made.

The pad gives its ink as PAD × PAD bytes (0: blank, 255: full ink), base64-encoded. From there:

- MNIST (LeCun et al.): the digit's bounding box is scaled to fit a 20 × 20 box, keeping its aspect, with
  grey levels from the averaging; it is then placed in the 28 × 28 image so that its centre of mass lies at
  the image's centre. Pixels run 0–255.
- scikit-learn's digits (UCI's optdigits): NIST's normalised 32 × 32 bitmap (the digit's box scaled to fill
  it, keeping its aspect, centred), cut into 4 × 4 blocks, each block's ink pixels counted: 0–16. Every
  image of the set fills its height; it is centred by its box.

Then the set's scaling (`network_inputs`), as the run's own inputs had it.
"""
import base64
import binascii

import numpy as np

from ..i18n import _
from .dataset import scaled

PAD = 64                             # the pad's ink is PAD × PAD
MAX_PAYLOAD = 4 * (PAD * PAD // 3 + 1)  # characters of base64 for PAD × PAD bytes
MNIST_BOX = 20 / 28                  # the box an MNIST digit is scaled into, as a share of the image's side
BITMAP, BLOCK = 32, 4                # optdigits: a 32 × 32 bitmap, 4 × 4 blocks


def read_ink(payload):
    """The pad's ink (PAD, PAD) in [0, 1] from its base64 text; ValueError with a sentence for anything else."""
    if not isinstance(payload, str):
        raise ValueError(_("The drawing did not come from the pad as text; clear the pad and draw again."))
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(_("The drawing is {n} characters long; the pad's drawing is at most {most}. Clear the pad "
                           "and draw again.").format(n=f"{len(payload):,}", most=f"{MAX_PAYLOAD:,}"))
    try:
        pixels = np.frombuffer(base64.b64decode(payload, validate=True), np.uint8)
    except (binascii.Error, ValueError):
        raise ValueError(_("The drawing could not be read (it is not base64); clear the pad and draw again.")) from None
    if pixels.size != PAD * PAD:
        raise ValueError(_("The drawing has {n} pixels; the pad's has {pad} ({side} × {side}). Clear the pad and "
                           "draw again.").format(n=f"{pixels.size:,}", pad=f"{PAD * PAD:,}", side=PAD))
    return pixels.reshape(PAD, PAD) / np.float32(255)


def check_ink(ink):
    ink = np.asarray(ink, np.float64)
    if ink.ndim != 2 or min(ink.shape) < 1:
        raise ValueError(_("A drawing is a 2-D array of ink, not an array of shape {shape}.").format(shape=ink.shape))
    if not np.isfinite(ink).all() or ink.min() < 0 or ink.max() > 1:
        raise ValueError(_("A drawing's ink must be numbers from 0 to 1."))
    return ink


def bounding_box(ink):
    """The rows and columns of ink, cut to the smallest box that holds it (None for no ink)."""
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return None
    return ink[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]


def resize(image, height, width):
    """`image` resampled to (height, width) by area: each new pixel is the mean of the old ones it covers."""
    return _by_area(image.shape[0], height) @ image @ _by_area(image.shape[1], width).T


def _by_area(n, m):
    """(m, n): resamples n pixels to m, each new pixel the mean of the old ones it covers (every old pixel cut
    into m, every new one made of n of those parts)."""
    return np.repeat(np.eye(n), m, axis=0).reshape(m, n, n).mean(axis=1)


def fit_box(ink, side):
    """The ink's bounding box scaled to fit a `side` × `side` box, keeping its aspect (None for no ink)."""
    box = bounding_box(ink)
    if box is None:
        return None
    scale = side / max(box.shape)
    return resize(box, max(1, round(box.shape[0] * scale)), max(1, round(box.shape[1] * scale)))


def centre_of_mass(image):
    """(row, column) of the image's centre of mass, pixel i standing at i (scipy's center_of_mass)."""
    rows, columns = np.indices(image.shape)
    total = image.sum()
    return (rows * image).sum() / total, (columns * image).sum() / total


def mnist_image(ink, side=28):
    """The drawing as MNIST made its digits: (side, side) of 0–255, the box in a 20 × 20 box (of 28), centred by
    mass."""
    box = fit_box(check_ink(ink), round(side * MNIST_BOX))
    image = np.zeros((side, side))
    if box is None:
        return image
    h, w = box.shape
    row, column = centre_of_mass(box)
    # The shift that brings the centre of mass to the middle, kept so that the box stays inside the image.
    top = int(np.clip(round((side - 1) / 2 - row), 0, side - h))
    left = int(np.clip(round((side - 1) / 2 - column), 0, side - w))
    image[top:top + h, left:left + w] = box
    return image * 255


def digits_image(ink):
    """The drawing as optdigits made its digits: an (8, 8) image of counts 0–16 from a 32 × 32 bitmap."""
    box = fit_box(check_ink(ink), BITMAP)
    bitmap = np.zeros((BITMAP, BITMAP))
    if box is not None:
        h, w = box.shape
        top, left = (BITMAP - h) // 2, (BITMAP - w) // 2
        bitmap[top:top + h, left:left + w] = box >= 0.5
    side = BITMAP // BLOCK
    return bitmap.reshape(side, BLOCK, side, BLOCK).sum(axis=(1, 3))


def drawable(ds):
    """Whether a drawing can be made into one of the data set's images: digits, or MNIST of square images."""
    shape = None if ds is None else ds.image_shape
    return shape is not None and ((ds.name == "digits" and shape == (8, 8))
                                  or (ds.name == "mnist" and shape[0] == shape[1]))


def image_of(ds, ink):
    """The drawing as one of the data set's images, before scaling: the set's shape, the set's pixel values."""
    if not drawable(ds):
        raise ValueError(_("Drawing a digit works on the image sets: choose digits or MNIST in the sidebar."))
    return digits_image(ink) if ds.name == "digits" else mnist_image(ink, ds.image_shape[0])


def network_inputs(ds, ink):
    """The drawing as the network's input row (1, n_inputs): the set's image, then the set's scaling."""
    return scaled(ds.scaler, image_of(ds, ink).reshape(1, -1).astype(np.float32))
