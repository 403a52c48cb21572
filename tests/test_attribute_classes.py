"""Classes of 公文 the 公开属性 rules must get right, on drafts written for these tests (not from any eval set)."""

from __future__ import annotations

from tools.attribute import REDACTED, classify_document

LIST_NOTICE = """洱源县民政局
洱源县2026年第三季度临时救助对象名单公示
　　根据《社会救助暂行办法》，经本人申请、乡镇审核、县民政局审批，现将第三季度临时救助对象公示如下：
　　序号　姓名　身份证号　所在村组　救助金额
　　1　罗正明　532930197104182410　炼铁乡炼铁村　2000元
　　2　何桂芬　532930196809270621　西山乡团结村　1500元
　　公示期7天，如有异议，请向县民政局反映，监督电话：0872-5122345。
洱源县民政局
2026年10月8日
"""


def test_a_public_list_of_people_pasted_from_word_is_published_only_after_redaction() -> None:
    # the cells of a pasted Word table are separated by single full-width spaces; the ID numbers' check
    # digits are wrong (typed by hand). The 公示 is public, the people's data is not: 删减后公开.
    result = classify_document(LIST_NOTICE)
    assert result.attribute == REDACTED
    assert "532930197104182410" not in result.redacted and "罗正明" not in result.redacted
    assert "0872-5122345" in result.redacted  # the office's 监督电话 stays
    assert any("第三十七条" in r.basis for r in result.reasons)


