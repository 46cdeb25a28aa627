"""Charts drawn on the server as PNG images for the Word and PDF reports (matplotlib, Agg).

Chinese labels need a CJK face: Debian's fonts-noto-cjk is looked for where it installs; the
charts are left out, with a sentence saying why, when none is found (never tofu boxes).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on a server; must precede pyplot

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

CJK_FONTS = [
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
]
STATUS_COLOURS = {
    "met": "#12b76a",
    "behind": "#d92d20",
    "open": "#c8ccd2",
}
LINE_COLOURS = ["#d92d20", "#f79009", "#6941c6"]
DPI = 150


class NoChineseFont(RuntimeError):
    """No CJK font is installed: a chart would print boxes instead of Chinese."""


@lru_cache(maxsize=1)
def chinese_font() -> str:
    """The family name of the first installed CJK font, registered with matplotlib."""
    for path in CJK_FONTS:
        if path.exists():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    raise NoChineseFont(_("未找到中文字体，无法生成图表（请安装 fonts-noto-cjk）"))


def _png(figure: plt.Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    return out.getvalue()


def _axes(title: str, height: float = 3.0) -> tuple[plt.Figure, plt.Axes]:
    plt.rcParams["font.family"] = [chinese_font()]
    plt.rcParams["axes.unicode_minus"] = False  # the CJK face lacks U+2212
    figure, axes = plt.subplots(figsize=(6.3, height))
    axes.set_title(title, fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#e4e7ec", linewidth=0.6)
    return figure, axes


def trend(
    title: str,
    months: list[str],
    values: list[float | None],
    lines: dict[str, list[float | None]],
    unit: str,
) -> bytes:
    """An indicator month by month (gaps where nothing was reported) against the value due
    by each month at each level (确保, 力争), dashed."""
    figure, axes = _axes(title)
    axes.plot(months, [v if v is not None else float("nan") for v in values], marker="o",
              color="#1570ef", linewidth=2, label=_("完成值"))  # fmt: skip
    for colour, (label, due) in zip(LINE_COLOURS, lines.items(), strict=False):
        axes.plot(months, [v if v is not None else float("nan") for v in due], linestyle="--",
                  color=colour, linewidth=1.2, label=label)  # fmt: skip
    axes.set_ylabel(unit)
    # Below the plot: inside it the legend would cover the line wherever it is placed.
    axes.legend(fontsize=8, frameon=False, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    axes.tick_params(labelsize=8)
    return _png(figure)


def standing(title: str, groups: list[str], counts: list[dict[str, int]], labels: dict) -> bytes:
    """Targets of each group (a domain, a city) by where they stand: met, behind, open."""
    figure, axes = _axes(title, height=0.45 * len(groups) + 1.2)
    left = [0] * len(groups)
    for key, colour in STATUS_COLOURS.items():
        widths = [c.get(key, 0) for c in counts]
        axes.barh(groups, widths, left=left, color=colour, label=str(labels[key]))
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.invert_yaxis()
    axes.grid(axis="x", color="#e4e7ec", linewidth=0.6)
    axes.set_xlabel(_("目标数（项）"))
    axes.legend(fontsize=8, frameon=False, ncol=3, loc="lower right")
    return _png(figure)


def comparison(title: str, names: list[str], values: list[float | None], due: float | None,
               unit: str) -> bytes:  # fmt: skip
    """One figure per region side by side, with the value due as a line; a region without
    data gets no bar and the words 暂无数据."""
    figure, axes = _axes(title)
    shown = [v if v is not None else 0.0 for v in values]
    bars = axes.bar(names, shown, color="#1570ef")
    for bar, value in zip(bars, values, strict=True):
        if value is None:
            bar.set_alpha(0)
            axes.annotate(_("暂无数据"), (bar.get_x() + bar.get_width() / 2, 0), ha="center",
                          va="bottom", fontsize=7, rotation=90, color="#667085")  # fmt: skip
    if due is not None:
        axes.axhline(due, color="#d92d20", linestyle="--", linewidth=1.2, label=_("应完成"))
        axes.legend(fontsize=8, frameon=False)
    axes.set_ylabel(unit)
    axes.tick_params(axis="x", labelsize=8, rotation=30)
    return _png(figure)
