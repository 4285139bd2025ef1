"""The arena's indicators-and-weights panel: one number per indicator grouped by the 365
families, saved weight presets (load, delete, save, defaults) and the normalisation method.
Drawn by pages/arena.py; the presets file and the scoring live in oversight.arena."""

from __future__ import annotations

import streamlit as st

from oversight import arena
from oversight.frame.state import kept, put, tr
from oversight.i18n import register, t

STRINGS = {
    "arena.page.weights": ("指标与权重", "Indicators and weights"),
    "arena.page.weights_total": (
        "权重合计 {total:g} 分，按占比计入综合得分（满分100）。权重为0的指标不计分。",
        "Weights total {total:g} points and count by their share of the composite (out of 100). An indicator at 0 is left out.",
    ),
    "arena.page.weights_zero": ("至少要有一项指标的权重大于0。", "At least one indicator needs a weight above 0."),
    "arena.page.defaults": ("恢复默认权重", "Default weights"),
    "arena.page.presets": ("权重方案", "Weight presets"),
    "arena.page.preset_pick": ("已保存的方案", "Saved presets"),
    "arena.page.preset_none": ("（还没有保存的方案）", "(no saved presets yet)"),
    "arena.page.preset_load": ("载入", "Load"),
    "arena.page.preset_delete": ("删除", "Delete"),
    "arena.page.preset_name": ("方案名称", "Preset name"),
    "arena.page.preset_save": ("保存当前权重", "Save these weights"),
    "arena.page.preset_saved": ("已保存方案“{name}”。", "Saved preset “{name}”."),
    "arena.page.preset_loaded": ("已载入方案“{name}”。", "Loaded preset “{name}”."),
    "arena.page.preset_deleted": ("已删除方案“{name}”。", "Deleted preset “{name}”."),
    "arena.page.preset_error": ("无法保存方案：{error}", "Cannot save the preset: {error}"),
    "arena.page.method": ("标准化方法", "Normalisation"),
}
register(STRINGS)

WEIGHT = {i.key: f"arena_weight_{i.key}_w" for i in arena.INDICATORS}  # indicator → its weight widget
WEIGHTS = range(101)  # a weight is 0–100 points (the number inputs' bounds; a URL value is checked against it)
_NOTICE = "arena_notice"


def _set_weights(weights: dict[str, float], method: str | None = None) -> None:
    for k, key in WEIGHT.items():
        put(key, int(round(weights.get(k, 0))))
    if method in arena.METHODS:
        put("arena_method_w", method)


def _load_preset() -> None:
    name = st.session_state.get("arena_preset_pick_w")
    preset = arena.load_presets().get(name or "")
    if preset:
        _set_weights(arena.preset_weights(preset), preset.get("method"))
        st.session_state[_NOTICE] = tr("arena.page.preset_loaded", name=name)


def _delete_preset() -> None:
    name = st.session_state.get("arena_preset_pick_w")
    if name:
        arena.delete_preset(name)
        st.session_state[_NOTICE] = tr("arena.page.preset_deleted", name=name)


def _save_preset() -> None:
    ss = st.session_state
    name = (ss.get("arena_preset_name_w") or "").strip()
    weights = {k: float(ss.get(key, arena.DEFAULT_WEIGHTS[k])) for k, key in WEIGHT.items()}
    try:
        arena.save_preset(name, weights, ss.get("arena_method_w", "minmax"))
    except (ValueError, OSError) as e:
        ss[_NOTICE] = "! " + tr("arena.page.preset_error", error=e)
        return
    put("arena_preset_pick_w", name)
    ss[_NOTICE] = tr("arena.page.preset_saved", name=name)


def weights_panel(lang: str) -> tuple[dict[str, float], str]:
    """Draw the panel; return (indicator key → weight in points, normalisation method). When
    every weight is 0 it says so (the caller stops: there is nothing to score)."""
    st.subheader(tr("arena.page.weights"))
    if notice := st.session_state.pop(_NOTICE, None):
        (st.error if notice.startswith("! ") else st.success)(notice.removeprefix("! "))
    weights: dict[str, float] = {}
    for col, family in zip(st.columns(3), arena.FAMILIES, strict=True):
        col.markdown(f"**{tr('arena.family.' + family)}**")
        for ind in (i for i in arena.INDICATORS if i.family == family):
            weights[ind.key] = col.number_input(
                f"{ind.label(lang)} · {tr('arena.part.' + ind.part)}",
                min_value=0,
                max_value=100,
                step=1,
                help=ind.summary(lang),
                **kept(WEIGHT[ind.key], int(ind.weight), WEIGHTS, url=f"w_{ind.key}"),
            )
    total = sum(weights.values())
    st.caption(tr("arena.page.weights_total", total=total))

    with st.expander(tr("arena.page.presets"), icon=":material/bookmark:"):
        saved = sorted(arena.load_presets())
        p1, p2 = st.columns(2)
        with p1:
            st.selectbox(
                tr("arena.page.preset_pick"),
                saved,
                placeholder=tr("arena.page.preset_none"),
                **kept("arena_preset_pick_w", saved[0] if saved else None, saved, url="preset"),
            )
            b1, b2, b3 = st.columns(3)
            b1.button(tr("arena.page.preset_load"), key="arena_preset_load", on_click=_load_preset, disabled=not saved)
            b2.button(
                tr("arena.page.preset_delete"), key="arena_preset_delete", on_click=_delete_preset, disabled=not saved
            )
            b3.button(
                tr("arena.page.defaults"),
                key="arena_weights_reset",
                on_click=_set_weights,
                args=(arena.DEFAULT_WEIGHTS,),
            )
        with p2:
            st.text_input(tr("arena.page.preset_name"), key="arena_preset_name_w", max_chars=40)
            st.button(tr("arena.page.preset_save"), key="arena_preset_save", on_click=_save_preset, type="primary")

    method = st.radio(
        tr("arena.page.method"),
        arena.METHODS,
        format_func=lambda v: t(f"arena.method.{v}", lang),
        horizontal=True,
        **kept("arena_method_w", "minmax", arena.METHODS, url="method"),
    )
    st.markdown(arena.method_text(method, lang))
    if total <= 0:
        st.error(tr("arena.page.weights_zero"))
    return weights, method
