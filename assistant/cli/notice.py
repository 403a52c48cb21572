"""``gongkai notice``: a 告知书 (.docx) for one application of the register, filled from its data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from assistant.cli.apps import open_db
from knowledge.clock import today


@click.command("notice", help="按台账生成告知书（.docx）：补正告知书、延期答复告知书、征求意见函、收费通知和各类答复告知书。")
@click.argument("app_id", type=int)
@click.option("--type", "kind", default=None,
              help="告知书类型，如 补正告知书、延期答复告知书、征求意见函、收费通知、予以公开、部分公开、不予公开、"
                   "信息不存在、非本机关掌握、无法提供、不予处理、行政查询事项；省略时按已登记的答复类型。")
@click.option("--reason", default=None, help="理由（不予公开、部分公开、无法提供、不予处理必填；补正告知书写需补正的事项）。")
@click.option("--date", "day", default=None, help="告知书日期 YYYY-MM-DD（默认：答复日或今天）。")
@click.option("--issuer", default="××县人民政府", show_default=True, help="落款机关。")
@click.option("--review-body", default="××市人民政府", show_default=True, help="行政复议机关。")
@click.option("--prefix", default="××政办", show_default=True, help="文号的机关代字。")
@click.option("--third-party", default="××（第三方）", help="征求意见函的收件方。")
@click.option("--responsible", default="负责公开该信息的机关", help="非本机关掌握时，负责机关的名称和联系方式。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="输出文件。")
def notice_command(app_id: int, kind: str | None, reason: str | None, day: str | None, issuer: str,
                   review_body: str, prefix: str, third_party: str, responsible: str, output: Path | None) -> None:
    from assistant.register import notice_facts
    from knowledge.errors import BadInput
    from tools.deadlines import parse_date
    from tools.notices import GROUP_OF, compose, type_for_outcome, write_docx

    db = open_db()
    try:
        facts = notice_facts(db, app_id)
        replied = next((e for e in _events(db, app_id) if e[0] == "reply"), None)
    finally:
        db.dispose()
    if kind is None:
        if facts.outcome is None:
            raise BadInput("该申请还没有登记答复，请用 --type 指定告知书类型。")
        kind = type_for_outcome(facts.outcome)
    process = ("补正告知书", "延期答复告知书", "征求意见函", "收费通知")
    if reason is None and facts.outcome and kind not in process and type_for_outcome(facts.outcome) == kind:
        reason = facts.outcome if kind in GROUP_OF else facts.reason  # the registered reply gives the reason
    when = parse_date(day, what="告知书日期") if day else (replied[1] if replied else today())
    notice = compose(kind, facts, day=when, reason=reason, issuer=issuer, review_body=review_body, prefix=prefix,
                     third_party=third_party, responsible=responsible)
    path = output or Path(f"告知书-{app_id}-{kind}.docx")
    write_docx(notice, path)
    click.echo(f"已生成：{path}（{notice.number}）")


def _events(db, app_id: int) -> list[tuple[str, date]]:  # type: ignore[no-untyped-def]
    from assistant.storage.apps import events_of

    with db.session() as s:
        return [(e.kind, e.day) for e in events_of(s, app_id)]


COMMANDS: list[click.Command] = [notice_command]
