"""The demo: obligations for 2011 in every state, documents marked 演示数据, idempotent."""

import io
from collections import Counter

from docx import Document as Docx

from plantrack.annualplans import demo
from plantrack.annualplans.models import Kind, Obligation, PlanTargetRow, State


def test_demo_covers_the_workflow_and_is_idempotent(plan):
    summary = demo.generate(plan)
    assert summary.opened == 45 and summary.submitted > 20 and summary.accepted > 10
    annual = Obligation.objects.filter(plan=plan, kind=Kind.ANNUAL_PLAN)
    states = Counter(annual.values_list("status", flat=True))
    assert states[State.PENDING] == 2 and states[State.ACCEPTED] > 10
    assert annual.get(region__code="330400").events.filter(action="returned").exists()
    late = [o for o in annual if o.late_days()]
    assert {o.holder_name for o in late} >= {"温州市", "衢州市"}
    assert all(o.is_demo for o in Obligation.objects.all())
    rows = PlanTargetRow.objects.filter(obligation__region__code="330100")
    assert rows.exists() and all(r.measures.startswith("演示数据") for r in rows)
    document = Obligation.objects.get(
        kind=Kind.REPORT_PROVINCE, region__code="330100"
    ).documents.get()
    text = "\n".join(p.text for p in Docx(io.BytesIO(document.file.read())).paragraphs)
    assert "演示数据" in text
    before = (
        Obligation.objects.filter(status=State.PENDING).count(),
        PlanTargetRow.objects.count(),
    )
    again = demo.generate(plan)
    assert again.opened == 0 and again.submitted == 0
    after = (Obligation.objects.filter(status=State.PENDING).count(), PlanTargetRow.objects.count())
    assert before == after
