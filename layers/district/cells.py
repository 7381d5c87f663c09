"""Streets, communities, grids and micro-grids cut out of the outline."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from layers.district.model import (
    COMMUNITIES_PER_STREET,
    DISTRICT_CODE,
    DISTRICT_NAME,
    DISTRICT_NAME_EN,
    GRID_COUNT,
    MICRO_GRID_COUNT,
    MIN_GRIDS_PER_COMMUNITY,
    MIN_MICRO_GRIDS_PER_GRID,
)
from layers.names import STREETS, place_names
from layers.tiling import Geom, apportion, strips, tile


def area_rows(outline: Geom, bank: Geom, rng: np.random.Generator) -> list[dict[str, Any]]:
    """Area rows, level by level, in local metres; codes number cells in reading order."""
    rows: list[dict[str, Any]] = []

    def add(
        code: str, level: str, name: str, name_en: str, parent: str | None, geometry: Geom
    ) -> None:
        rows.append(
            dict(
                code=code, level=level, name=name, name_en=name_en, parent=parent, geometry=geometry
            )
        )

    add(DISTRICT_CODE, "district", DISTRICT_NAME, DISTRICT_NAME_EN, None, outline)
    # Cut across the river's direction so every street gets a stretch of the bank.
    direction = np.subtract(*shapely.get_coordinates(bank)[[-1, 0]])
    streets = strips(outline, direction, len(STREETS))
    names = iter(place_names(COMMUNITIES_PER_STREET * len(streets), rng))
    communities: list[tuple[str, str, str, Geom]] = []
    for s, (street, (zh, en)) in enumerate(zip(streets, STREETS, strict=True), start=1):
        code = f"{DISTRICT_CODE}{s:02d}"
        add(code, "street", f"{zh}街道", f"{en} Street", DISTRICT_CODE, street)
        for c, cell in enumerate(tile(street, COMMUNITIES_PER_STREET, rng), start=1):
            zh_c, en_c = next(names)
            community = (f"{code}-C{c:02d}", f"{zh_c}社区", f"{en_c} Community")
            add(community[0], "community", community[1], community[2], code, cell)
            communities.append((*community, cell))

    grids: list[tuple[str, str, str, Geom]] = []
    grid_counts = apportion(
        GRID_COUNT, np.array([g.area for *_, g in communities]), MIN_GRIDS_PER_COMMUNITY
    )
    for (code, zh_c, en_c, cell), n in zip(communities, grid_counts, strict=True):
        for g, grid in enumerate(tile(cell, int(n), rng), start=1):
            labels = (f"{code}-G{g:02d}", f"{zh_c}第{g}网格", f"{en_c} Grid {g}")
            add(labels[0], "grid", labels[1], labels[2], code, grid)
            grids.append((*labels, grid))

    micro_counts = apportion(
        MICRO_GRID_COUNT, np.array([g.area for *_, g in grids]), MIN_MICRO_GRIDS_PER_GRID
    )
    for (code, zh_g, en_g, grid), n in zip(grids, micro_counts, strict=True):
        for m, micro in enumerate(tile(grid, int(n), rng), start=1):
            add(
                f"{code}-M{m}",
                "micro_grid",
                f"{zh_g}第{m}微网格",
                f"{en_g} Micro-grid {m}",
                code,
                micro,
            )
    return rows
