"""The first line of an answer, extracted from the quoted sentence by answer type.

when / how long / how much / how many / who: the clause that states the date, period, amount, count or
unit. yes-no: 可以/不可以 (能/不能, 要/不用 …, in the question's own modal word) when the question names
one, then the clause. The verdict comes from what the rule says of the act asked about (严禁/不得 → no,
无需/可以不 → not required, 可以 → allowed but not required, 应当 or a plain statement → yes), read against
whether the question asks may / must / is and whether it asks about not doing it (可以不公开吗); a rule with
an exception is stated with it (原则上不可以，但…), a condition with it (不能，经…才能…), a case with it
(理由不合理的，能); when the rule does not settle what was asked there is no verdict, the quote answers. false premise ("…吧？", "是不是20个工作日"): "对，…" or "不对，…" + the correct fact,
by comparing the numbers the question asserts with the sentence's (or, without numbers, its polarity).
"""

from __future__ import annotations

import re

from assistant.answer_type import (
    asserted_numbers,
    best_clause,
    clause_with,
    find_phrase,
    is_negative,
    quantity_kind,
    words,
)

# the question's modal word -> (yes, no)
_MODALS = (
    ("能不能", "能", "不能"), ("可不可以", "可以", "不可以"), ("要不要", "要", "不用"), ("需不需要", "需要", "不需要"),
    ("用不用", "要", "不用"), ("是不是", "是", "不是"), ("有没有", "有", "没有"), ("算不算", "算", "不算"),
    ("会不会", "会", "不会"), ("该不该", "应该", "不应该"), ("行不行", "可以", "不可以"), ("可否", "可以", "不可以"),
    ("能否", "能", "不能"), ("是否需要", "需要", "不需要"), ("是否可以", "可以", "不可以"), ("是否要", "要", "不用"),
    ("可以", "可以", "不可以"), ("能", "能", "不能"), ("需要", "需要", "不需要"), ("必须", "必须", "不必"),
    ("应该", "应该", "不应该"), ("要", "要", "不用"), ("允许", "允许", "不允许"),
)
_NEGATED_ASK = re.compile(r"(?<![是要])不(?![是对行了吗么呢？?。]|$)|没有|无需|不必|免")
_PREMISE_CUE = re.compile("|".join(words()["types"]["false_premise"]))
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")  # 能不能, 可不可以, 有没有: a question, not a negation


def _negated(question: str) -> bool:
    return bool(_NEGATED_ASK.search(_A_NOT_A.sub("", question)))


def conclude(question: str, qtype: str, sentence: str) -> str | None:
    """The conclusion line for this question from the sentence that answers it, or None to lead with the quote."""
    if qtype == "false_premise":
        modal = _modal_of(question)
        if modal and not asserted_numbers(question) and not _PREMISE_CUE.search(question) and _asks_not(question, modal):
            return _yes_no(question, sentence)  # 一个月申请几十件，能不处理吗: the count is context; not doing it is asked
        return _premise(question, sentence)
    if qtype == "yes_no":
        return _yes_no(question, sentence)
    phrase = find_phrase(qtype, sentence)
    if phrase is None:
        return None
    return _sentence(clause_with(sentence, phrase))


_DUTY = re.compile(r"[（(]\s*(?:县级)?(责任单位|牵头部门)[:：](.+?)[)）]")


def responsible(sentences: list[str]) -> str | None:
    """For a "who" question quoted from plan paragraphs: "责任单位：…。" from the first (责任单位:…) clause."""
    for text in sentences:
        m = _DUTY.search(text)
        if m:
            units = re.sub(r"\s*[,，]\s*", "、", m.group(2).strip())
            return f"{m.group(1)}：{units}。"
    return None


def _sentence(text: str) -> str:
    text = text.strip().rstrip("，,；;：:")
    return text if text.endswith(("。", "！", "？")) else text + "。"


def _modal_of(question: str) -> tuple[str, str, str] | None:
    return _a_not_a(question) or next((m for m in _MODALS if m[0] in question), None)


_ATTRIBUTIVE = re.compile(r"(?:不需要|需要|不用|不能|能够|可以|不得|应当|必须|要)的(?=[\u4e00-\u9fff])")


def _yes_no(question: str, sentence: str) -> str | None:
    question = _ATTRIBUTIVE.sub("", question)  # 不需要的个人信息要删掉吗: 不需要的 describes, 要 asks
    modal = _modal_of(question)
    if modal is None:
        return None
    if _WH.search(question[question.index(modal[0]) + len(modal[0]) :]):
        return None  # 拿不准能不能公开的，报谁定: the A不A is part of what is described, the question asks who
    asked, loose = _governed(question, modal[0]), _loose_words(question, modal[0])
    after = _governed(question, modal[0], before=False)
    if not _speaks_to(sentence, after) and not any(w in sentence for w in loose):
        return None  # a rule on the subject alone (政务微博 …), not on the thing asked
    listed = any(m[0] == modal[0] for m in _MODALS)  # not 给不给: that verb is the act itself
    if listed and not after and not loose and asked and not _mentions(sentence, asked[-1]):
        return None  # 解读材料发出去以后再补可以不: the modal comes last and the rule does not speak to the act before it
    clause = _clause_on(sentence, [*asked, *loose], question)  # it holds what was asked: it is about it
    if clause is None:
        clause = best_clause(sentence, question)
        if not _about(clause, question):
            return None
    clause = _predicate(sentence, clause)
    scope = _scope(sentence, clause)
    status = _status(clause)
    kind = _KINDS.get(modal[0], "fact")
    negated = _asks_not(question, modal)
    verdict = _VERDICTS[kind, negated].get(status)
    word = {None: None, "yes": modal[1], "no": modal[2], "forbid": "不可以" if kind == "oblige" else modal[2]}[verdict]
    exception = _exception(scope, clause)
    if exception is not None and scope.find(exception.lstrip("，；")) <= scope.find(clause):
        clause = _rule_before(scope, scope.find(exception.lstrip("，；"))) or clause  # what was asked is in the exception
        status = _status(clause)
        verdict = _VERDICTS[kind, negated].get(status)
        word = {None: None, "yes": modal[1], "no": modal[2], "forbid": "不可以" if kind == "oblige" else modal[2]}[verdict]
    if exception is not None:  # "原则上不得…；但…": the rule and its exception, never a bare yes or no
        if word is None or status == "is":  # a plain statement with an exception: the quote says it
            return None
        qualifier = next((w for w in words()["principle"] if w in clause), "一般")
        return _sentence(f"{qualifier}{word}{exception}")
    condition = _condition(scope)
    if condition is not None:  # 只有…才可以 / 未经…不得: yes on that condition only
        # unless the condition is met it may not be done: 不能，不服复议决定的才能向法院起诉
        return _sentence(f"{modal[2]}，{condition.format(modal[1])}") if kind == "permit" and not negated else None
    case = _case(sentence, clause) or _supposing(sentence, clause)
    if case and _speaks_to(question, _content(case)):  # 决定不予公开的时候要说明理由吗: the question names the case
        case = None
    return (f"{case}，{word}。" if case else f"{word}。") if word else None


_CASE = re.compile(r"(?:^|[；;。])\s*([^；;。，,]{2,40}的)[，,]")


_SUPPOSE = re.compile(r"[^，,；;。：:]*(?:(?<!倘)若(?!干)|如果|假如|倘若)[^，,；;。：:]+")


def _supposing(sentence: str, clause: str) -> str | None:
    """The 若… / 如果… clause just before the clause in its ；-segment: what it holds on (机关若判断…，可以决定公开)."""
    at = sentence.find(clause)
    if at < 0:
        return None
    segment = re.split(r"[；;。]", sentence[:at])[-1]
    found = list(_SUPPOSE.finditer(segment))
    return found[-1].group(0).strip() if found else None


def _content(text: str) -> list[str]:
    from knowledge.tokenizer import default_tokenizer

    return [w for w in default_tokenizer().content_words(text) if len(w) >= 2]


def _case(sentence: str, clause: str) -> str | None:
    """When the sentence lays out cases (理由不合理的，告知不予处理；理由合理但…的，可以…), the case whose ；-segment
    holds the clause: its answer holds in that case only."""
    cases = list(_CASE.finditer(sentence))
    at = sentence.find(clause)
    if len(cases) < 2 or at < 0:
        return None
    mine = [m for m in cases if m.end() <= at and ";" not in sentence[m.end() : at] and "；" not in sentence[m.end() : at]]
    return mine[-1].group(1).strip() if mine else None


_WH = re.compile(r"谁|哪|什么|啥|怎么|怎样|如何|咋|几[个天日月次]|多少|多久|何时")
# what kind of question the modal word asks: may it be done, must it be done, or is it so
_KINDS = {m: k for k, ms in (
    ("permit", ("能不能", "可不可以", "行不行", "可否", "能否", "是否可以", "可以", "能", "允许")),
    ("oblige", ("要不要", "需不需要", "用不用", "该不该", "是否需要", "是否要", "需要", "必须", "应该", "要")),
) for m in ms}
# (question kind, the question asks about not doing it) -> the rule's status -> the answer; absent: not settled
_VERDICTS: dict[tuple[str, bool], dict[str, str]] = {
    ("permit", False): {"is": "yes", "must": "yes", "may": "yes", "must_not": "no", "not": "no"},
    ("oblige", False): {"is": "yes", "must": "yes", "must_not": "forbid", "not": "no", "need_not": "no"},
    ("fact", False): {"is": "yes", "must": "yes", "may": "yes", "must_not": "no", "not": "no", "need_not": "no"},
    ("permit", True): {"is": "no", "must": "no", "must_not": "yes", "not": "yes", "need_not": "yes"},
    ("oblige", True): {"is": "no", "must": "no", "must_not": "yes", "not": "yes"},
    ("fact", True): {"is": "no", "must": "no", "may": "no", "must_not": "yes", "not": "yes", "need_not": "yes"},
}


def _rule_before(scope: str, end: int) -> str | None:
    """The last clause before ``end`` that states a rule (原则上不得公开 before ；但…)."""
    parts = [p.strip() for p in re.split(r"[，,；;：:]", scope[:end]) if p.strip()]
    return next((p for p in reversed(parts) if _status(p) != "is"), None)


_BARE_NOT = re.compile(r"^\s*(?:不(?!同|断|少|仅|论|管|但|久|止|足|一|再|只|光)|勿|莫)")


def _status(clause: str) -> str:
    """What the clause says of its act: need_not (无需), must_not (严禁), not (不予公开), may (可以), must (应当),
    is (a plain statement)."""
    clause = _ATTRIBUTIVE.sub("", clause)  # 不需要的个人信息直接删掉: 删掉, not 不需要
    if clause.rstrip().endswith("的"):  # 决定不予公开的， / 需要加工、分析后才能提供的，: whom the rule is for
        return "is"
    lists = words()["deontic"]
    for status in ("exempt", "prohibit"):
        if any(w in clause for w in lists[status]):
            return "need_not" if status == "exempt" else "must_not"
    if is_negative(clause) or _BARE_NOT.search(clause):  # 不予公开; 不登商业广告 in a list of what is not done
        return "not"
    if any(w in clause for w in lists["permit"]):
        return "may"
    return "must" if _RULING.search(clause) else "is"


_NOT_AFTER_MODAL = re.compile(r"^(?:不(?![是对行了吗么呢？?。]|$)|不用|无需|不必|免|没)")
_NOT_BEFORE_MODAL = re.compile(r"(?:^|[，,])[^，,]{0,6}?(?:不(?![是对行了予])|没有|无需|不必|免)[^，,]{1,10}$")


def _asks_not(question: str, modal: tuple[str, str, str]) -> bool:
    """The question asks about not doing it: 可以不公开吗, 能不能不…, 不公开可以吗 / 不回复行不行 (modal last)."""
    at = question.find(modal[0])
    if at < 0:
        return False
    after = question[at + len(modal[0]) :]
    if _NOT_AFTER_MODAL.search(after):
        return True
    rest = re.sub(r"[吗么呢吧啊呀？?。！!\s]", "", after)
    return not rest and bool(_NOT_BEFORE_MODAL.search(_A_NOT_A.sub("", question[:at])))


_SEGMENT = re.compile(r"(?<=[；;。！？])")
_EXCEPTION_START = re.compile(r"^\s*(?:但|不过|只有|除非|除[^，。；]{1,30}外)")
_EXCEPTION_MARK = re.compile(r"(?:(?<=^)|(?<=[，,；;。：:]))\s*(?:但|不过)(?!应|须|要|必须)|除非|除[^，,。；;]{1,30}外|除外|例外|只有[^。；;]*?才")
_CONDITION = (  # (the condition, the act it allows)
    re.compile(r"(只有[^。；;]*?)才(?:可以|能够|允许|能|可)([^。；;，,]*)"),
    re.compile(r"未(经[^。；;，,]*?)[，,]?(?:不得|不能|不准|禁止|不允许)([^。；;，,]*)"),
    re.compile(r"(经[^。；;，,]*?)后?[，,]?(?:方可|方能|才能|才可以|才可)([^。；;，,]*)"),
    re.compile(r"([^。；;，,]{2,30}的)[，,]?才(?:可以|能够|允许|能|可)([^。；;，,]*)"),  # 不服复议决定的才能起诉
)


def _scope(sentence: str, clause: str) -> str:
    """The part of the sentence the clause's rule governs: its ；-segment, with the next one when that opens
    with an exception (；但… / ；只有…才…), or the one before when this one is that exception."""
    parts = [p for p in _SEGMENT.split(sentence) if p.strip()]
    at = next((n for n, p in enumerate(parts) if clause in p), None)
    if at is None:
        return sentence
    if _EXCEPTION_START.search(parts[at]) and at > 0:
        return parts[at - 1] + parts[at]
    if at + 1 < len(parts) and _EXCEPTION_START.search(parts[at + 1]):
        return parts[at] + parts[at + 1]
    return parts[at]


def _exception(scope: str, clause: str) -> str | None:
    """The exception to the clause's rule within its scope, as it reads after the rule: "，但…", "，…的情况除外",
    or "；只有…才…" after a rule held 原则上 / 一般; None when the scope states none."""
    m = _EXCEPTION_MARK.search(scope)
    if m is None:
        return None
    mark = m.group(0).strip()
    if mark.startswith("只有"):
        if not any(w in scope[: m.start()] for w in words()["principle"]):
            return None  # a bare 只有…才 is a condition (_condition), not an exception to a rule
        end = scope.find("，", m.end())
        text = scope[m.start() : end if end >= 0 else len(scope)]
    elif mark.startswith("除") and len(mark) > 2:  # 除惩戒公示、强制性信息披露外，应…
        text = mark
    elif mark in ("除外", "例外"):
        start = max(scope.rfind("，", 0, m.start()), scope.rfind(",", 0, m.start())) + 1
        if clause in scope:
            start = max(start, scope.find(clause) + len(clause))
        text = scope[start : m.end()]
    else:
        text = scope[m.start() :]
    text = text.strip().rstrip("。；;").lstrip("，,；;")
    if not text:
        return None
    return ("；" if text.startswith("只有") else "，") + text


def _condition(scope: str) -> str | None:
    """只有…才 / 未经…不得 / 经…方可 / …的才能: "<condition>才{}<act>" (the question's yes word goes in {})."""
    for pattern in _CONDITION:
        m = pattern.search(scope)
        if m:
            return m.group(1).rstrip("，,") + "才{}" + m.group(2).strip()
    return None


def _a_not_a(question: str) -> tuple[str, str, str] | None:
    """The question's A不A form (要不要, 给不给, 收不收) as (the form, yes, no): the listed wording when there is
    one, else A / 不A. It is what is asked even when a bare modal (要) occurs elsewhere in the question."""
    m = _A_NOT_A.search(question)
    if m is None:
        return None
    listed = next((x for x in _MODALS if x[0] == m.group(0)), None)
    verb = m.group(1)
    return listed or (m.group(0), verb, ("没" if m.group(0)[1] == "没" else "不") + verb)


def _about(clause: str, question: str) -> bool:
    """The clause holds one of the question's content words (or a synonym of one)."""
    from knowledge.synonyms import expand
    from knowledge.tokenizer import default_tokenizer

    words = default_tokenizer().content_words(_A_NOT_A.sub("", question))
    return any(w in clause for w in [*words, *expand(words)] if len(w) >= 2)


def _governed(question: str, modal: str, before: bool = True) -> list[str]:
    """What the modal word governs: the content words after it (能不能|让个人用单位名义注册视频号, 可以|开直播吗),
    the domain's core words (申请, 公开, 申请公开 …, in most rules) left out when others are there."""
    from knowledge.tokenizer import anchors, default_tokenizer

    at = question.index(modal)
    tail = _tail(question, modal)
    words = [w for w in default_tokenizer().content_words(_A_NOT_A.sub("", tail)) if len(w) >= 2]
    if not words and before:  # the modal comes last (讨论记录不公开可以吗, 必须做吗): what it governs is before it
        words = [w for w in default_tokenizer().content_words(_A_NOT_A.sub("", question[:at])) if len(w) >= 2]
    core = re.compile("|".join(sorted(map(re.escape, anchors()), key=len, reverse=True)))
    return [w for w in words if core.sub("", w)] or words


def _mentions(text: str, word: str) -> bool:
    from knowledge.synonyms import expand

    return word in text or any(t in text for t in expand(word))


def _speaks_to(sentence: str, asked: list[str]) -> bool:
    """At least half of what the modal governs is in the sentence (or a synonym of it)."""
    return not asked or 2 * sum(_mentions(sentence, w) for w in asked) >= len(asked)


def _clause_on(sentence: str, asked: list[str], question: str = "") -> str | None:
    """The comma-delimited clause that holds most of what was asked (its polarity is the answer), if any does;
    on a tie, the one holding the word asked last (the predicate: 政务新媒体可以买粉吗 → 买粉), then one that
    states a rule (原则上不收费, not 收费办法由…制定), then the one densest in the question's character pairs."""
    parts = [p.strip() for p in re.split(r"[，,；;：:。！？]", sentence) if p.strip()]
    pairs = {question[i : i + 2] for i in range(len(question) - 1)}

    def score(p: str) -> tuple[int, int, bool, float]:
        held = [n for n, w in enumerate(asked) if _mentions(p, w)]
        shared = sum(p[i : i + 2] in pairs for i in range(len(p) - 1))
        return len(held), max(held, default=-1), _status(p) != "is", shared / len(p)

    best = max(parts, key=score, default="")
    return best if best and score(best)[0] > 0 else None


_RULING = re.compile(r"应当|必须|(?<![必无不])须|(?<![相对适响反供])应(?!用)|(?<![主重只摘纲需])要")  # a duty: 应当公开, 要整合


def _predicate(sentence: str, clause: str) -> str:
    """The clause that says what is done about the one holding what was asked: itself when it states a rule;
    else the head of the list it belongs to (三类信息一律不得公开：…国家秘密的；…), or the next clause of its
    ；-segment that does (过程稿、讨论记录…，可以不公开)."""
    if _status(clause) != "is" or clause not in sentence:
        return clause
    at = sentence.find(clause)
    colon = max(sentence.rfind("：", 0, at), sentence.rfind(":", 0, at))
    if colon >= 0:
        head = re.split(r"[，,；;。]", sentence[:colon])[-1]
        if _status(head) != "is":
            return head
    segment = re.split(r"[；;。！？]", sentence[at:])[0]
    following = [p for p in re.split(r"[，,：:]", segment)[1:3] if p.strip()]
    return next((p.strip() for p in following if _status(p) != "is"), clause)


def _tail(question: str, modal: str) -> str:
    """What follows the modal word; after an A不A of a verb not listed as a modal (收不收钱), the verb too."""
    tail = question[question.index(modal) + len(modal) :]
    listed = any(m[0] == modal for m in _MODALS)
    return modal[0] + tail if not listed and _A_NOT_A.fullmatch(modal) else tail


def _loose_words(question: str, modal: str) -> list[str]:
    """Runs of single-character words after the modal that the tokenizer leaves out of content words
    (买粉 in 可以买粉吗): what the modal governs when it is not a dictionary word."""
    from knowledge.tokenizer import default_tokenizer

    tail = _A_NOT_A.sub("", _tail(question, modal))
    runs, run = [], ""
    for w in default_tokenizer().words(tail):
        if len(w) == 1 and re.fullmatch(r"[\u4e00-\u9fff]", w) and w not in _PARTICLES:
            run += w
            continue
        runs.append(run)
        run = ""
    runs.append(run)
    return [r for r in runs if len(r) >= 2]


_PARTICLES = set("吗么呢吧啊呀的了在上把对给让被将和与及或也都就还再不没")


def _premise(question: str, sentence: str) -> str | None:
    """对 / 不对 + the fact: the numbers asserted against the sentence's, else the polarity."""
    kind = quantity_kind(question)
    said = asserted_numbers(question)
    if kind and said:
        phrase = find_phrase(kind, sentence)
        if phrase is None:
            return None
        fact = _sentence(clause_with(sentence, phrase))
        stated = set(re.findall(r"\d+", phrase))
        return f"对，{fact}" if set(said) <= stated or set(said) & stated else f"不对，{fact}"
    clause = best_clause(sentence, question)
    negative = is_negative(clause) != _negated(question)
    return f"不对，{_sentence(clause)}" if negative else f"对，{_sentence(clause)}"
