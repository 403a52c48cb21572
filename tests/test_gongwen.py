"""The 公文 reader: GB/T 9704-2012 elements from pasted drafts (headers above the title) and from .docx."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from knowledge.errors import BadInput
from tools.gongwen import Gongwen, read_text
from tools.gongwen_docx import read_docx

# 下行文 with every 版头 and 版记 element
NOTICE = """000123
秘密★1年
特急
洱源县人民政府办公室文件
洱政办发〔2021〕15号
━━━━━━━━━━━━━━━━━━━━
洱源县人民政府办公室关于做好2021年
汛期地质灾害防治工作的通知
各镇乡人民政府，县级各有关部门：
　　入汛以来，我县降雨偏多，地质灾害隐患点增多。为切实做好汛期地质灾害防治工作，经县人民政府同意，现将有关事项通知如下：
　　一、落实防治责任。各镇乡要对辖区隐患点逐一明确监测责任人。
　　二、加强监测预警。县自然资源局要会同县气象局及时发布预警信息。
　　附件：1．洱源县2021年地质灾害隐患点清单
　　　　　2．地质灾害险情报告表
洱源县人民政府办公室
2021年5月20日
（此件公开发布）
抄送：州自然资源和规划局，县委办公室，县人大常委会办公室。
洱源县人民政府办公室                2021年5月20日印发
"""
REQUEST = """洱源县林业和草原局文件
洱林草发〔2021〕8号                    签发人：杨建国
洱源县林业和草原局关于申请追加森林防火经费的请示
县人民政府：
　　今年入春以来，我县持续干旱少雨，森林火险等级居高不下。为做好防火物资储备，恳请县人民政府追加森林防火经费50万元。
　　妥否，请批示。
洱源县林业和草原局
2021年3月2日
（联系人：李丽，联系电话：0872-5121234）
"""
LETTER = """洱源县人民政府办公室
洱政办函〔2021〕33号
洱源县人民政府办公室关于商请协助开展饮用水源地保护区划定工作的函
州生态环境局洱源分局：
　　为做好茈碧湖饮用水源地保护区划定工作，现商请你局派员协助开展现场踏勘。
　　特此函商。
洱源县人民政府办公室
二〇二一年四月十二日
"""
BRIEF = """内部资料　注意保管
督查简报
第12期
洱源县人民政府督查室编　　　　　　　　2021年6月8日
关于部分镇乡防汛值班不到位情况的督查通报
　　6月5日至6日，县政府督查室对9个镇乡防汛值班情况进行了暗访，发现3个镇乡存在脱岗现象。
报：县委、县政府主要领导
送：各镇乡人民政府
"""
TITLE_FIRST = """洱源县人民政府关于印发洱源县农村集体经营性建设用地入市管理办法的通知
洱政规〔2021〕2号
各镇乡人民政府，县直各部门：
　　《洱源县农村集体经营性建设用地入市管理办法》已经县人民政府研究通过，现印发给你们，请认真贯彻执行。
洱源县人民政府
2021年3月10日
"""
PENALTY = """洱源县市场监督管理局
行政处罚决定书
洱市监处罚〔2021〕16号
当事人：洱源县某某食品店
经营者：王小明，身份证号：532930198505120016
住所：洱源县茈碧湖镇玉湖路18号
　　2021年4月8日，本局执法人员对当事人经营场所进行检查，发现当事人销售超过保质期的食品。
　　如不服本处罚决定，可以在收到本决定书之日起六十日内向洱源县人民政府申请行政复议。
洱源县市场监督管理局
2021年5月6日
"""

MINUTES = """洱源县人民政府常务会议纪要
第7期
洱源县人民政府办公室　　　　　　2021年4月16日
　　2021年4月15日，县长主持召开县人民政府第七次常务会议，研究了以下事项：
　　一、原则同意《洱源县城区停车管理办法（送审稿）》，由县公安局根据会议意见修改后按程序报批。
出席：县长，副县长。
"""

CASES: list[tuple[str, str, dict[str, object]]] = [
    ("notice", NOTICE, {
        "copy_no": "000123", "secrecy": "秘密★1年", "urgency": "特急", "issuer_mark": "洱源县人民政府办公室文件",
        "doc_number": "洱政办发〔2021〕15号", "title": "洱源县人民政府办公室关于做好2021年汛期地质灾害防治工作的通知",
        "addressees": "各镇乡人民政府，县级各有关部门", "signature": "洱源县人民政府办公室", "date": "2021年5月20日",
        "notes": ("（此件公开发布）",), "cc": "抄送：州自然资源和规划局，县委办公室，县人大常委会办公室。",
        "printer": "洱源县人民政府办公室                2021年5月20日印发",
        "attachments": "附件：1．洱源县2021年地质灾害隐患点清单\n2．地质灾害险情报告表",
        "stated_attribute": "此件公开发布"}),
    ("request", REQUEST, {
        "issuer_mark": "洱源县林业和草原局文件", "doc_number": "洱林草发〔2021〕8号", "signer": "杨建国",
        "title": "洱源县林业和草原局关于申请追加森林防火经费的请示", "addressees": "县人民政府",
        "date": "2021年3月2日", "notes": ("（联系人：李丽，联系电话：0872-5121234）",), "stated_attribute": ""}),
    ("letter", LETTER, {
        "issuer_mark": "洱源县人民政府办公室", "doc_number": "洱政办函〔2021〕33号", "addressees": "州生态环境局洱源分局",
        "title": "洱源县人民政府办公室关于商请协助开展饮用水源地保护区划定工作的函", "date": "二〇二一年四月十二日",
        "signature": "洱源县人民政府办公室"}),
    ("brief", BRIEF, {
        "markings": ("内部资料", "注意保管"), "doc_number": "第12期", "date": "2021年6月8日", "secrecy": "",
        "title": "关于部分镇乡防汛值班不到位情况的督查通报", "cc": "报：县委、县政府主要领导\n送：各镇乡人民政府"}),
    ("title first", TITLE_FIRST, {
        "title": "洱源县人民政府关于印发洱源县农村集体经营性建设用地入市管理办法的通知",
        "doc_number": "洱政规〔2021〕2号", "addressees": "各镇乡人民政府，县直各部门", "signature": "洱源县人民政府",
        "date": "2021年3月10日", "issuer_mark": ""}),
    ("penalty", PENALTY, {
        "issuer_mark": "洱源县市场监督管理局", "title": "行政处罚决定书", "doc_number": "洱市监处罚〔2021〕16号", "addressees": "",
        "signature": "洱源县市场监督管理局", "date": "2021年5月6日"}),
    ("minutes", MINUTES, {
        "issuer_mark": "洱源县人民政府常务会议纪要\n洱源县人民政府办公室　　　　　　2021年4月16日".replace("　", " "),
        "doc_number": "第7期", "title": "", "date": "2021年4月16日"}),
]


def _value(doc: Gongwen, key: str) -> object:
    return getattr(doc, key)


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_elements_of_realistic_drafts(name: str, text: str, expected: dict[str, object]) -> None:
    doc = read_text(text)
    got = {key: _value(doc, key) for key in expected}
    assert got == expected, doc.roles


def test_body_keeps_the_text_between_addressees_and_signature() -> None:
    doc = read_text(REQUEST)
    assert doc.body.startswith("今年入春以来") and doc.body.endswith("妥否，请批示。")
    assert "签发人" not in doc.body and "联系人" not in doc.body


def test_annex_after_the_date_is_not_body() -> None:
    text = TITLE_FIRST.replace("2021年3月10日\n", "2021年3月10日\n附件\n洱源县农村集体经营性建设用地入市管理办法\n第一条 为规范入市行为……\n")
    doc = read_text(text)
    assert doc.date == "2021年3月10日" and doc.annex.startswith("附件\n洱源县农村集体")
    assert "第一条" not in doc.body


def test_an_unreadable_draft_stays_in_the_body() -> None:
    doc = read_text("请大家注意，明天上午九点开会。\n地点在三楼会议室。")
    assert doc.title == "" and "明天上午九点开会" in doc.body


def _docx(paragraphs: list[tuple[str, dict[str, object]]]) -> bytes:
    document = Document()
    for text, fmt in paragraphs:
        p = document.add_paragraph()
        run = p.add_run(text)
        if fmt.get("red"):
            run.font.color.rgb = RGBColor(0xE6, 0x00, 0x12)
        if fmt.get("size"):
            run.font.size = Pt(float(str(fmt["size"])))
        run.bold = bool(fmt.get("bold"))
        if fmt.get("align") == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if fmt.get("align") == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "隐患点", "监测人"
    table.cell(1, 0).text, table.cell(1, 1).text = "凤羽镇白米村滑坡", "村委会"
    document.paragraphs[-3]._p.addnext(table._tbl)  # the table stands inside the 正文, before the 署名
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_layout_finds_the_red_masthead_and_the_centred_title() -> None:
    # the masthead has no "文件" and the title no 文种 word: only the layout tells them apart
    data = _docx([
        ("洱源县防汛抗旱指挥部", {"red": True, "size": 36, "align": "center"}),
        ("洱汛指〔2021〕3号", {"align": "center"}),
        ("关于进一步加强汛期值守", {"bold": True, "size": 22, "align": "center"}),
        ("和信息报送工作", {"bold": True, "size": 22, "align": "center"}),
        ("各镇乡防汛抗旱指挥部：", {}),
        ("　　入汛以来，我县局地强降雨频发。现就加强汛期值守和信息报送有关要求通知如下。", {}),
        ("洱源县防汛抗旱指挥部", {"align": "right"}),
        ("2021年6月2日", {"align": "right"}),
    ])
    doc = read_docx(data)
    assert doc.issuer_mark == "洱源县防汛抗旱指挥部"
    assert doc.doc_number == "洱汛指〔2021〕3号"
    assert doc.title == "关于进一步加强汛期值守和信息报送工作"
    assert doc.addressees == "各镇乡防汛抗旱指挥部"
    assert doc.date == "2021年6月2日" and doc.signature == "洱源县防汛抗旱指挥部"
    assert "凤羽镇白米村滑坡\t村委会" in doc.body


def test_the_same_draft_as_text_loses_what_layout_told() -> None:
    text = "洱源县防汛抗旱指挥部\n洱汛指〔2021〕3号\n关于进一步加强汛期值守\n和信息报送工作\n各镇乡防汛抗旱指挥部：\n正文。"
    assert read_text(text).title != "关于进一步加强汛期值守和信息报送工作"


def test_broken_docx_is_bad_input() -> None:
    with pytest.raises(BadInput, match="不是有效的 Word"):
        read_docx(b"PK\x03\x04 not really a zip")


@pytest.mark.parametrize(("line", "stated"), [
    ("（此件公开发布）", "此件公开发布"), ("（此件主动公开）", "此件公开发布"), ("公开方式：主动公开", "此件公开发布"),
    ("（公开方式：依申请公开）", "此件依申请公开"), ("公开属性：不予公开", "此件不公开"), ("（此件删减后公开）", "此件删减后公开"),
])
def test_a_stated_attribute_is_read_wherever_the_drafter_put_it(line: str, stated: str) -> None:
    # after the 成文日期 (附注) or in the 版记 just above 抄送
    after_date = TITLE_FIRST + line + "\n"
    in_record = TITLE_FIRST + line + "\n抄送：县委办公室。\n洱源县人民政府办公室  2021年3月10日印发\n"
    for text in (after_date, in_record):
        doc = read_text(text)
        assert doc.stated_attribute == stated and line not in doc.body


def test_a_marking_at_the_foot_is_still_a_marking() -> None:
    text = ("洱源县人民政府办公室\n政务信息\n第5期\n全县春耕生产进展顺利\n　　截至4月底全县完成春播面积18万亩。\n"
            "洱源县人民政府办公室  2021年5月6日印发\n（内部资料，注意保管）\n")
    doc = read_text(text)
    assert doc.markings == ("（内部资料，注意保管）",) and "内部资料" not in doc.body
    assert doc.printer.startswith("洱源县人民政府办公室  2021年5月6日印发")


@pytest.mark.parametrize(("text", "expected"), [
    ("份号：000035\n密级：秘密\n保密期限：一年\n洱源县公安局文件\n洱公发〔2021〕9号\n关于加强节日安保工作的通知\n各派出所：\n正文。",
     {"copy_no": "000035", "secrecy": "秘密 保密期限：一年", "issuer_mark": "洱源县公安局文件", "addressees": "各派出所"}),
    ("大理州洱源县人民政府办公室　　　　　　洱政办函〔2021〕8号\n关于商请核拨专项经费的函\n县财政局：\n正文。",
     {"issuer_mark": "大理州洱源县人民政府办公室", "doc_number": "洱政办函〔2021〕8号", "title": "关于商请核拨专项经费的函"}),
    ("洱 源 县 人 民 政 府 文 件\n洱政发[2021]12号\n关于加强耕地保护的通知\n各镇乡人民政府：\n正文。",
     {"issuer_mark": "洱 源 县 人 民 政 府 文 件", "doc_number": "洱政发[2021]12号", "title": "关于加强耕地保护的通知"}),
    ("中共洱源县委办公室\n洱源县人民政府办公室\n洱办发〔2021〕5号\n关于做好秋冬季森林防火工作的通知\n各镇乡党委、政府：\n正文。\n"
     "中共洱源县委办公室\n洱源县人民政府办公室\n2021年10月8日",
     {"issuer_mark": "中共洱源县委办公室\n洱源县人民政府办公室", "signature": "中共洱源县委办公室\n洱源县人民政府办公室"}),
])
def test_header_variants(text: str, expected: dict[str, object]) -> None:
    doc = read_text(text)
    assert {key: getattr(doc, key) for key in expected} == expected, doc.roles


def test_an_organ_line_above_a_title_is_the_issuer_not_the_title() -> None:
    doc = read_text("洱源县统计局\n2026年前三季度洱源县国民经济运行情况\n前三季度全县实现地区生产总值86.2亿元。\n")
    assert doc.title == "2026年前三季度洱源县国民经济运行情况"
    assert doc.issuer_mark == "洱源县统计局"


def test_a_docx_sent_in_chat_is_read_as_the_web_upload_reads_it() -> None:
    """One reader for an uploaded .docx: the chat route (WeCom) passes the layout the web upload uses."""
    from datetime import date

    from assistant.router import route
    from assistant.turn import Attachment, Turn
    from knowledge.units import load_units
    from tools.attribute import classify_document, make_tool
    from tools.attribute_input import file_document
    from tools.context import ToolContext

    data = _docx([
        ("洱源县防汛抗旱指挥部", {"red": True, "size": 36, "align": "center"}),
        ("洱汛指〔2021〕3号", {"align": "center"}),
        ("关于进一步加强汛期值守", {"bold": True, "size": 22, "align": "center"}),
        ("和信息报送工作", {"bold": True, "size": 22, "align": "center"}),
        ("各镇乡防汛抗旱指挥部：", {}),
        ("　　入汛以来，我县局地强降雨频发。现就加强汛期值守和信息报送有关要求通知如下。", {}),
        ("洱源县防汛抗旱指挥部", {"align": "right"}),
        ("2021年6月2日", {"align": "right"}),
    ])
    intent = route(Turn("", attachment=Attachment("通知.docx", data)), units=load_units(), today=date(2026, 12, 2))
    assert intent is not None and intent.tool == "classify"
    tool = make_tool(ToolContext.__new__(ToolContext))  # the classify tool reads no context
    chat = tool.invoke(intent.args)
    text, doc = file_document("通知.docx", data, max_bytes=1 << 20, max_chars=None)
    assert doc is not None and chat["title"] == doc.title == "关于进一步加强汛期值守和信息报送工作"
    web = classify_document(text, doc=doc).as_dict()
    assert chat == web


def test_a_short_genre_title_under_the_organs_name_is_the_title() -> None:
    text = ("某某县住房和城乡建设局\n信访事项处理意见书\n某住建信复〔2025〕7号\n赵某某：\n"
            "　　你反映的小区物业收费问题，经调查，收费标准已经业主大会决定。\n某某县住房和城乡建设局\n2025年4月25日\n")
    doc = read_text(text)
    assert (doc.issuer_mark, doc.title, doc.addressees) == ("某某县住房和城乡建设局", "信访事项处理意见书", "赵某某")
    # a sentence under an organ's name is still the 正文, not a title
    assert read_text("某某县住房和城乡建设局\n经调查，收费标准合规。\n").issuer_mark == ""


def test_a_joint_masthead_with_文件_on_its_own_line_is_the_issuer_mark() -> None:
    text = ("某某县财政局\n某某县教育体育局\n文件\n某财教〔2025〕6号\n"
            "某某县财政局 某某县教育体育局关于下达2025年学生资助资金的通知\n各镇乡中心学校，县直各学校：\n"
            "　　现将2025年学生资助资金下达给你们，请及时足额发放到受助学生。\n某某县财政局　　某某县教育体育局\n2025年3月1日\n")
    doc = read_text(text)
    assert doc.issuer_mark.splitlines() == ["某某县财政局", "某某县教育体育局", "文件"]
    assert doc.title.endswith("学生资助资金的通知") and doc.addressees == "各镇乡中心学校，县直各学校"
