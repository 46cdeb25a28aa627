"""Core texts are Chinese, and keep what a page needs to show them in another language."""

import pickle

from plantrack.core.messages import Message, gettext_noop
from plantrack.core.periods import Period
from plantrack.core.warning import load_warning_rules

ENGLISH = {"每月还需完成 %(amount)s": "%(amount)s more needed per month"}


def test_a_message_is_its_chinese_text_and_translates_with_its_values():
    message = Message(gettext_noop("每月还需完成 %(amount)s"), amount="60.00")
    assert message == "每月还需完成 60.00" and isinstance(message, str)
    assert message.in_language(lambda t: ENGLISH.get(t, t)) == "60.00 more needed per month"
    # A catalogue without the template leaves the Chinese text.
    assert message.in_language(lambda t: t) == "每月还需完成 60.00"


def test_a_message_without_values_keeps_percent_signs_and_survives_pickling():
    plain = Message("无数据：本期未报送或未到期")
    assert plain.in_language(str) == plain
    copy = pickle.loads(pickle.dumps(Message("完成%(p)s%%", p="95.00")))
    assert copy == "完成95.00%" and copy.template == "完成%(p)s%%" and copy.params == {"p": "95.00"}


def test_warning_reasons_are_chinese_messages():
    from decimal import Decimal

    from plantrack.core.nodata import NO_DATA
    from plantrack.core.warning import WarningInput, evaluate_warnings

    rules = load_warning_rules()
    scheme = next(s for s in rules.schemes if not s.months and "*" not in s.indicators[0])
    item = WarningInput(
        subject="330100",
        indicator=scheme.indicators[0],
        period=Period.parse("2011-07"),
        actual=NO_DATA,
        required=Decimal(1),
        direction="decrease",
        kind=scheme.kinds[0] if scheme.kinds else "change",
        unit=scheme.unit or "%",
    )
    [warning] = [w for w in evaluate_warnings(rules, [item]) if w.scheme == scheme.code]
    assert isinstance(warning.reason, Message) and warning.reason == "无数据：本期未报送或未到期"
