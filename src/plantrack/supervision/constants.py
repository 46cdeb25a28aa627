"""The ledger's fixed rules, declared as data.

Escalation (督办升级): an item not yet submitted is escalated once its deadline has passed,
and again as the delay grows. Each step is (days past the deadline, level, label); the level
an item should have is that of the last step whose days it has reached. Submitted items are
not escalated: the owner has done its part and the delay is the verifier's.
"""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class Step(NamedTuple):
    days: int
    level: int
    label: object  # a lazy translation


ESCALATION = (
    Step(1, 1, _("逾期提醒")),  # the day after the deadline: reminder to the owner
    Step(30, 2, _("挂牌督办")),  # a month late: supervised by the province
    Step(90, 3, _("约谈问责")),  # a quarter late: the owner's leaders are summoned
)

# Default deadlines by term when a finding does not give one (days from the day it was found):
# 短期 within three months, 中期 within the year, 长期 within two years.
TERM_DAYS = {"short": 90, "medium": 365, "long": 730}


def level_for(days_late: int) -> int:
    level = 0
    for step in ESCALATION:
        if days_late >= step.days:
            level = step.level
    return level


def level_label(level: int) -> str:
    for step in ESCALATION:
        if step.level == level:
            return str(step.label)
    return ""
