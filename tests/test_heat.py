from __future__ import annotations

import io

import numpy as np
import pytest

from layers.heat import cell_area_m2, colourise, density, png, ramp_css, scale

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


@pytest.mark.parametrize("t", [0.25, 0.5, 0.75, 1.0])
def test_dense_crowds_read_as_saturated_colour_on_a_dark_map_not_grey_white_fog(t: float) -> None:
    rgba = colourise(np.array([[t * t * 100.0]]), vmax=100.0)[0, 0]
    rgb = [int(x) for x in rgba[:3]]
    assert max(rgb) - min(rgb) >= 150  # a colour, not grey or white
    assert rgba[3] >= 150  # and it shows through


def test_heat_is_brighter_the_denser() -> None:
    rgba = colourise(np.linspace(0, 100, 50)[None, :], vmax=100.0)[0].astype(int)
    brightness = rgba[:, :3].sum(axis=1) * rgba[:, 3]
    visible = brightness[rgba[:, 3] > 0]
    assert (np.diff(visible) >= 0).all()


def test_legend_scale_and_ramp_match_the_image() -> None:
    ticks = scale(20.0)
    assert ticks[-1] == (1.0, 20.0) and ticks[0] == (0.25, 1.25)
    # the legend's colour at a position is the image's colour for that position's density
    for pos, css in ramp_css(5):
        want = [int(x) for x in colourise(np.array([[pos * pos * 20.0]]), vmax=20.0)[0, 0]]
        got = [float(x) for x in css[5:-1].split(",")]
        assert all(abs(g - w) <= 1 for g, w in zip(got[:3], want[:3], strict=True)), (pos, css)
        assert abs(got[3] * 255 - want[3]) <= 2 or want[3] == 0


def test_cell_area_of_a_grid_over_the_district() -> None:
    # 0.15 deg x 0.10 deg at 30.2 N: ~14.4 km x 11.1 km; in 100 x 100 cells ~1.6 ha each
    area = cell_area_m2(BOUNDS, (100, 100))
    assert area == pytest.approx(144.3 * 111.3, rel=0.01)
