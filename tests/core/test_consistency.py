from decimal import Decimal

from plantrack.core.consistency import program_sums


def test_program_figures_are_summed_against_the_overall_figure():
    rows = [
        ("saved", None, Decimal(650), "万吨标准煤", "binding"),
        ("saved", "E01", Decimal(375), "万吨标准煤", "binding"),
        ("saved", "E02", Decimal(40), "万吨标准煤", "binding"),
        ("saved", "E02", Decimal(5), "万吨标准煤", "binding"),
        ("saved", "E03", Decimal(1), "万吨标准煤", "stretch"),
        ("rate", None, Decimal("3.5"), "%", "binding"),
        ("rate", "E01", Decimal("3.5"), "%", "binding"),
    ]
    [row] = program_sums(rows)
    assert (row.indicator, row.overall, row.programs_total, row.program_count) == (
        "saved",
        650,
        420,
        2,
    )
    assert row.margin == -230
