from __future__ import annotations

import io

import numpy as np
import pytest

from layers.heat import colourise, density, png

BOUNDS = (120.10, 30.15, 120.25, 30.25)


def test_density_keeps_the_people_and_peaks_at_the_point() -> None:
    grid = density([120.175], [30.20], [300_000], BOUNDS, (80, 100), radius_m=300)
    assert grid.sum() == pytest.approx(300_000, rel=1e-6)
    r, c = np.unravel_index(grid.argmax(), grid.shape)
    assert abs(r - 40) <= 1 and abs(c - 50) <= 1


def test_no_points_no_heat() -> None:
    assert density([], [], [], BOUNDS, (10, 10)).sum() == 0


def test_two_crowds_two_peaks_in_proportion() -> None:
    grid = density([120.12, 120.23], [30.20, 30.20], [1000, 3000], BOUNDS, (50, 150), radius_m=200)
    left, right = grid[:, :75].sum(), grid[:, 75:].sum()
    assert right / left == pytest.approx(3, rel=0.01)


def test_colourise_is_transparent_where_nobody_is_and_hot_at_vmax() -> None:
    grid = np.array([[0.0, 50.0, 100.0]])
    rgba = colourise(grid, vmax=100)
    assert rgba[0, 0, 3] == 0
    assert rgba[0, 1, 3] > 0 and rgba[0, 2, 3] > rgba[0, 1, 3]


def test_png_is_a_valid_image() -> None:
    rgba = colourise(density([120.175], [30.2], [5000], BOUNDS, (40, 60)), 100)
    data = png(rgba)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    assert img.size == (60, 40) and img.mode == "RGBA"
    assert np.array_equal(np.asarray(img), rgba)
    assert len(data) < 40 * 60 * 4  # compressed
