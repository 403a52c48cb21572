"""Messages about the conversation rather than the rules: the courtesies around a request, a verdict on the
last answer, and a message too vague to act on. Pure functions over the ``talk`` word lists of ``router.yaml``.

- ``without_courtesy("早上好！请问下 县林草局有哪些任务啊，谢谢")`` → "县林草局有哪些任务啊": a greeting or thanks
  around a request does not change what it asks, so the router reads the request alone;
- ``verdict("你刚才答错了，延期最多是20个工作日")`` → True: the user judges the last answer (feedback), unless
  the message also asks a question;
- ``vague_tool("属性那个")`` → "classify", ``vague_tool("那个咋弄")`` → "": nothing but fillers (and a tool's
  name): ask what is meant instead of searching the rules for fillers.
"""

from __future__ import annotations

import re
from typing import Any


def without_courtesy(text: str, w: dict[str, Any]) -> str:
    """The message without greetings and politeness phrases at its start and thanks at its end."""
    return re.sub(w["closing"], "", re.sub(w["opening"], "", text.strip(), flags=re.I)).strip()


def verdict(text: str, w: dict[str, Any]) -> bool:
    """A judgment of the assistant's answer ("这个回答不对", "答得好 点赞"), or only thanks and praise, asking nothing."""
    if re.search(w["asks"], text):
        return False
    if re.search(w["verdict"], text):
        return True
    rest = re.sub(r"[\s,，。.!！~～、]", "", text)
    for word in sorted(w["thanks"], key=len, reverse=True):
        rest = rest.replace(word, "")
    return bool(text.strip()) and rest == ""


def vague_tool(text: str, w: dict[str, Any]) -> str | None:
    """For a short message made only of fillers: the tool it names ("" for none); None for a real message."""
    if len(text) > w["max_chars"]:
        return None
    rest = re.sub(r"[\s,，。.!！?？~～、…]", "", text)
    named = ""
    for tool, names in w["tools"].items():
        for name in sorted(names, key=len, reverse=True):
            if name in rest:
                named = named or tool
                rest = rest.replace(name, "")
    for word in sorted(w["fillers"], key=len, reverse=True):
        rest = rest.replace(word, "")
    return named if rest == "" else None
