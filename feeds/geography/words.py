"""What the import reports say, in both languages: problem kinds and stages."""

from __future__ import annotations

from typing import Final

WORDS: Final[dict[str, tuple[str, str]]] = {
    # the file as a whole
    "no_file": ("找不到文件", "no such file"),
    "empty": ("文件为空", "the file is empty"),
    "bad_zip": ("压缩包损坏或不完整", "the zip file is damaged or cut short"),
    "unreadable": (
        "无法读取的文件（不是 GeoJSON、Shapefile 或 GeoPackage）",
        "cannot read the file (not GeoJSON, Shapefile or GeoPackage)",
    ),
    "no_geometry": ("文件中没有几何图形", "the file has no geometry"),
    "mixed_crs": ("各图层坐标系不一致", "the layers are in different coordinate systems"),
    "missing_field": ("缺少字段（用 --fields 指定）", "a field is missing (map it with --fields)"),
    "bad_mapping": ("字段映射有误", "the field mapping is wrong"),
    "bad_crs": ("未知坐标系", "unknown coordinate system"),
    "crs_conflict": (
        "文件声明的是投影坐标系，不能按经纬度转换",
        "the file declares a projected CRS; it cannot be read as lon/lat",
    ),
    "not_lonlat": (
        "坐标不是经纬度：文件坐标系有误或未声明（用 --crs EPSG:N 指定）",
        "coordinates are not longitude/latitude: the file's CRS is wrong or "
        "missing (name it with --crs EPSG:N)",
    ),
    "no_crs": ("文件未声明坐标系，按 WGS-84 处理", "the file declares no CRS; read as WGS-84"),
    "outside_china": (
        "范围不在中国境内，请检查坐标系",
        "the cells lie outside China: check the CRS",
    ),
    # cells
    "missing_code": ("缺少编码", "code missing"),
    "code_too_long": ("编码超过 64 个字符", "code longer than 64 characters"),
    "name_too_long": ("名称超过 100 个字符", "name longer than 100 characters"),
    "unknown_level": ("未知层级", "unknown level"),
    "duplicate_code": ("编码重复", "duplicate code"),
    "no_geometry_cell": ("没有图形", "no geometry"),
    "not_a_polygon": ("不是面", "not a polygon"),
    "invalid_geometry": (
        "图形无效且无法安全修复",
        "invalid geometry that cannot be repaired safely",
    ),
    "no_micro_grids": ("没有微网格", "no micro-grids"),
    "district_has_parent": ("区不应有上级", "a district has no parent"),
    "missing_parent": ("缺少上级编码", "parent code missing"),
    "unknown_parent": ("上级编码不存在", "parent code not in the file"),
    "parent_not_above": ("上级不在更高层级", "parent not at a higher level"),
    "outside_parent": ("超出上级范围", "reaches outside its parent"),
    "overlap": ("与同级单元重叠", "overlaps a sibling cell"),
    "gap": ("下级单元未覆盖完整（缝隙）", "gap between its cells"),
    "district_made": (
        "文件中没有区，按最高层单元合并生成",
        "no district in the file: made from the top cells",
    ),
    "street_without_units": ("街道没有处置力量（请添加单位）", "street without responding units"),
    "buildings_moved": ("楼幢重新归入新微网格", "buildings placed again in the new micro-grids"),
    # addresses
    "missing_position": ("缺少坐标", "position missing"),
    "outside_cells": ("不在任何微网格内", "outside every micro-grid"),
    "missing_address": ("缺少地址文字", "address text missing"),
    "address_too_long": ("地址超过 100 个字符", "address longer than 100 characters"),
    "bad_date": (
        "核实时间无法识别（应为 YYYY-MM-DD）",
        "verified_at is not a date (YYYY-MM-DD, an ISO time or epoch ms)",
    ),
    # stages and headings
    "reading": ("读取", "reading"),
    "checking": ("检查", "checking"),
    "writing": ("写入", "writing"),
    "placing": ("落格", "placing"),
    "errors": ("错误（未导入）", "errors (nothing imported)"),
    "warnings": ("提示", "warnings"),
    "repaired": ("已修复的图形", "geometries repaired"),
    "counts": ("各层级数量", "cells per level"),
    "dry_run": ("试运行：未写入任何数据", "dry run: nothing written"),
    "imported": ("已导入为第 {n} 版", "imported as version {n}"),
    "district": ("区", "district"),
    "street": ("街道", "street"),
    "community": ("社区", "community"),
    "grid": ("网格", "grid"),
    "micro_grid": ("微网格", "micro-grid"),
    "addresses": ("地址", "addresses"),
}


def say(kind: str, **values: object) -> str:
    """`zh / en` of a word, with its {placeholders} filled."""
    zh, en = WORDS.get(kind, (kind, kind))
    return f"{zh.format(**values)} / {en.format(**values)}"
