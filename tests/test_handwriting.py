"""A digit drawn on the pad, made into an image of an image set as the set's own were made: MNIST's box of 20
pixels centred by mass in 28, optdigits' 32 × 32 bitmap counted in 4 × 4 blocks; the pad's text checked."""
import base64

import numpy as np
import pytest

from playground.data import handwriting, make_dataset
from playground.data.handwriting import PAD, centre_of_mass, digits_image, mnist_image, network_inputs, read_ink

# A "0" of optdigits' blocks, each full or empty: it fills the height and is centred, as the set's digits are.
ZERO = np.array([[0, 0, 1, 1, 1, 1, 0, 0],
                 [0, 1, 1, 0, 0, 1, 1, 0],
                 [0, 1, 0, 0, 0, 0, 1, 0],
                 [0, 1, 0, 0, 0, 0, 1, 0],
                 [0, 1, 0, 0, 0, 0, 1, 0],
                 [0, 1, 0, 0, 0, 0, 1, 0],
                 [0, 1, 1, 0, 0, 1, 1, 0],
                 [0, 0, 1, 1, 1, 1, 0, 0]], float)


def on_pad(image, top, left):
    pad = np.zeros((PAD, PAD))
    pad[top:top + image.shape[0], left:left + image.shape[1]] = image
    return pad


def payload(ink):
    return base64.b64encode((np.asarray(ink) * 255).round().astype(np.uint8).tobytes()).decode()


def test_a_digits_image_drawn_at_any_size_and_place_comes_back_as_its_block_counts():
    whole = np.kron(ZERO, np.ones((8, 8)))              # its 32 × 32 bitmap, twice as large: the whole pad
    small = on_pad(np.kron(ZERO, np.ones((4, 4))), 5, 20)  # the bitmap itself, off in a corner
    np.testing.assert_array_equal(digits_image(whole), ZERO * 16)
    np.testing.assert_array_equal(digits_image(small), ZERO * 16)


def test_a_digits_image_fills_the_bitmaps_height_keeps_its_aspect_and_is_centred_by_its_box():
    stroke = on_pad(np.ones((40, 8)), 3, 2)  # a "1": 40 high, 8 wide, at the pad's left edge
    image = digits_image(stroke)
    assert image.shape == (8, 8) and image.max() == 12 and image.min() == 0  # 3 of each block's 4 columns
    assert image[0].any() and image[-1].any()             # top to bottom
    columns = np.flatnonzero(image.any(axis=0))
    assert list(columns) == [3, 4] and image[:, 3].sum() == image[:, 4].sum()  # 6 of 32 wide, in the middle


def test_an_mnist_image_drawn_twice_as_large_comes_back_as_it_was():
    digit = np.zeros((20, 10))
    digit[:, 6:10] = 1.0                     # a "1" leaning right in its box: its mass is right of the box's centre
    digit[0:3, 0:6] = 0.5
    image = mnist_image(on_pad(np.kron(digit, np.ones((2, 2))), 7, 11))
    row, column = centre_of_mass(image)
    assert image.shape == (28, 28) and image.max() == 255
    assert abs(row - 13.5) <= 0.5 and abs(column - 13.5) <= 0.5  # centred by its mass, not its box
    top, left = np.argwhere(image > 0).min(axis=0)
    np.testing.assert_allclose(image[top:top + 20, left:left + 10], digit * 255)
    assert left + 5 != 14  # the box's centre is not the image's: the mass decided


def test_an_mnist_box_is_scaled_to_twenty_pixels_keeping_its_aspect():
    image = mnist_image(on_pad(np.ones((10, 40)), 30, 10))  # a wide bar: 40 → 20 across, 10 → 5 down
    rows, columns = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    assert len(columns) == 20 and len(rows) == 5
    np.testing.assert_allclose(image[image > 0], 255)


def test_an_empty_pad_is_a_blank_image():
    assert not digits_image(np.zeros((PAD, PAD))).any() and not mnist_image(np.zeros((PAD, PAD))).any()


def test_the_drawing_gets_the_sets_scaling():
    ink = np.kron(ZERO, np.ones((8, 8)))
    np.testing.assert_allclose(network_inputs(make_dataset("digits"), ink), ZERO.reshape(1, -1))  # minmax: / 16
    standard = make_dataset("digits", scale="standard")
    np.testing.assert_allclose(network_inputs(standard, ink),
                               standard.scaler.transform(ZERO.reshape(1, -1) * 16), rtol=1e-5, atol=1e-5)


def test_the_pads_text_round_trips_to_its_ink():
    ink = on_pad(np.ones((3, 4)), 10, 10)
    np.testing.assert_array_equal(read_ink(payload(ink)), ink)


@pytest.mark.parametrize("text, says", [
    (None, "as text"),
    ("x" * (handwriting.MAX_PAYLOAD + 1), "at most"),
    ("not base64!", "not base64"),
    (base64.b64encode(bytes(100)).decode(), "has 100 pixels"),
])
def test_what_is_not_the_pads_drawing_is_refused_with_a_sentence(text, says):
    with pytest.raises(ValueError, match=says):
        read_ink(text)


@pytest.mark.parametrize("ink", [np.full((PAD, PAD), np.nan), np.full((PAD, PAD), 2.0), np.zeros(PAD)])
def test_ink_that_is_not_a_drawing_is_refused(ink):
    with pytest.raises(ValueError, match="drawing"):
        digits_image(ink)
    with pytest.raises(ValueError, match="drawing"):
        mnist_image(ink)


def test_only_digits_and_mnist_can_be_drawn():
    assert handwriting.drawable(make_dataset("digits")) and not handwriting.drawable(make_dataset("circle"))
    with pytest.raises(ValueError, match="image sets"):
        network_inputs(make_dataset("circle"), np.zeros((PAD, PAD)))
