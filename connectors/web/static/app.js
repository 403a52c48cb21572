// The local chat page. Every piece of user or answer text goes into the page through
// textContent / text nodes (never innerHTML), so nothing typed or answered can inject markup.
"use strict";

const CLASSIFY_PREFIX = /^\s*\/(属性|公开属性|分类)\s*/;
const DRAFT_MIN_CHARS = 200; // a paste this long is a draft 公文, not a question
const TYPE_NAMES = {
  id_card: "身份证号", mobile: "手机号", landline: "固定电话", bank_card: "银行卡号",
  credit_code: "统一社会信用代码", address: "住址", plate: "车牌号", email: "电子邮箱", name: "姓名",
  im_account: "QQ号/微信号", passport: "护照/通行证号码",
};

const log = document.getElementById("log");
const input = document.getElementById("input");
const form = document.getElementById("composer");
const sendButton = document.getElementById("send");
let mode = "ask";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function setMode(next) {
  mode = next;
  for (const button of document.querySelectorAll(".mode")) {
    const active = button.dataset.mode === next;
    button.classList.toggle("active", active);
    button.setAttribute("aria-selected", String(active));
  }
  input.placeholder = next === "ask"
    ? "例如：依申请公开多少个工作日内答复？"
    : "粘贴公文草稿，判断公开属性并找出需要删去的个人信息";
}

function bubble(role, ...children) {
  const node = el("div", { class: `msg ${role}` }, ...children);
  log.append(node);
  node.scrollIntoView({ block: "end" });
  return node;
}

function showError(message) {
  bubble("assistant error", el("p", {}, message || "出错了，请稍后再试。"));
}

async function post(path, body) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new Error("无法连接助手服务，请检查网络或稍后再试。");
  }
  if (response.status === 401) { // the session expired: sign in again, then come back here
    location.href = "/login?next=" + encodeURIComponent(location.pathname);
    throw new Error("登录已过期，正在转到登录页……");
  }
  let data = null;
  try { data = await response.json(); } catch (err) { data = null; }
  if (!response.ok) {
    const fallback = response.status >= 500
      ? `服务出错（HTTP ${response.status}），请稍后再试。`
      : `该功能暂不可用（HTTP ${response.status}），请联系管理员。`;
    throw new Error((data && typeof data.error === "string" && data.error) || fallback);
  }
  return data;
}

function citation(source) {
  const label = `〔《${source.title || ""}》${source.section || ""}〕`;
  return el("details", { class: "citation" },
    el("summary", {}, label),
    el("blockquote", {}, source.text || "（无原文）"));
}

// 👍 / 👎 under a fresh answer: a 👎 puts the question on the administrators' "改进回答" list.
function rating(question) {
  const box = el("div", { class: "rate" });
  for (const [kind, label, title] of [["up", "👍", "有用"], ["down", "👎", "没答好"]]) {
    const button = el("button", { type: "button", class: `rate-${kind}`, title }, label);
    button.addEventListener("click", async () => {
      try {
        await post("/api/feedback", { kind, question });
        box.replaceChildren(el("span", { class: "label" }, "已记录，谢谢反馈。"));
      } catch (err) { showError(err.message); }
    });
    box.append(button);
  }
  return box;
}

function renderAnswer(data, question) {
  const parts = [el("div", { class: "answer-text" }, window.renderMarkdown(data.answer || ""))];
  const sources = data.sources || [];
  if (sources.length) {
    parts.push(el("div", { class: "sources" }, el("span", { class: "label" }, "出处（点击展开原文）"),
      ...sources.map(citation)));
  }
  if (question) parts.push(rating(question));
  bubble("assistant", ...parts);
}

function highlighted(text, findings) {
  // Findings carry start/end offsets into the submitted text; overlaps are skipped, not nested.
  const box = el("div", { class: "draft" });
  let cursor = 0;
  const sorted = [...findings].sort((a, b) => a.start - b.start);
  for (const f of sorted) {
    if (typeof f.start !== "number" || f.start < cursor || f.end > text.length) continue;
    box.append(document.createTextNode(text.slice(cursor, f.start)));
    box.append(el("mark", { class: `pii pii-${f.type}`, title: TYPE_NAMES[f.type] || f.type },
      text.slice(f.start, f.end)));
    cursor = f.end;
  }
  box.append(document.createTextNode(text.slice(cursor)));
  return box;
}

function renderClassification(text, data) {
  const findings = data.findings || [];
  const reasons = (data.reasons || []).map((r) =>
    el("li", {}, r.text || "", r.basis ? el("span", { class: "basis" }, `（依据：${r.basis}）`) : null));
  const confidence = typeof data.confidence === "number" ? `把握度 ${Math.round(data.confidence * 100)}%` : "";
  bubble("assistant classify",
    el("p", { class: "attribute" }, "建议公开属性：", el("strong", {}, data.attribute || "（无）"),
      el("span", { class: "confidence" }, confidence)),
    reasons.length ? el("ul", { class: "reasons" }, ...reasons) : null,
    el("p", { class: "label" }, findings.length
      ? `发现 ${findings.length} 处个人信息（已标出）：` : "未发现需要删去的个人信息。"),
    highlighted(text, findings),
    el("p", { class: "label" }, "删减后文本："),
    el("pre", { class: "redacted" }, data.redacted || ""));
}

async function submit() {
  let text = input.value;
  if (!text.trim()) {
    showError("内容为空，请输入问题或粘贴公文内容。");
    return;
  }
  let useMode = mode;
  if (CLASSIFY_PREFIX.test(text)) {
    useMode = "classify";
    text = text.replace(CLASSIFY_PREFIX, "");
  }
  bubble("user", el("div", { class: "user-text" }, text));
  input.value = "";
  sendButton.disabled = true;
  const waiting = bubble("assistant pending", el("p", {}, useMode === "ask" ? "正在查找……" : "正在分析……"));
  try {
    if (useMode === "classify") {
      renderClassification(text, await post("/api/classify", { text }));
    } else {
      const data = await post("/api/ask", { question: text, history: window.ChatHistory.forApi() });
      renderAnswer(data, text);
      window.ChatHistory.add("user", text);
      window.ChatHistory.add("assistant", data.answer || "", data.sources || []);
    }
  } catch (err) {
    showError(err.message);
  } finally {
    waiting.remove();
    sendButton.disabled = false;
    input.focus();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit();
  }
});

input.addEventListener("paste", (event) => {
  const pasted = (event.clipboardData && event.clipboardData.getData("text")) || "";
  if (mode === "ask" && pasted.length >= DRAFT_MIN_CHARS) {
    setMode("classify");
    bubble("assistant note", el("p", {}, "看起来是公文草稿，已切换到“公开属性”模式。"));
  }
});

for (const button of document.querySelectorAll(".mode")) {
  button.addEventListener("click", () => setMode(button.dataset.mode));
}

// The kept conversation (history.js): shown again after a reload, cleared on request.
function restoreConversation() {
  for (const message of window.ChatHistory.all()) {
    if (message.role === "user") bubble("user", el("div", { class: "user-text" }, message.text));
    else renderAnswer({ answer: message.text, sources: message.sources || [] });
  }
}

document.getElementById("clear").addEventListener("click", () => {
  window.ChatHistory.clear();
  for (const node of [...log.querySelectorAll(".msg.user, .msg.assistant:not(.welcome)")]) node.remove();
  input.focus();
});

bubble("assistant welcome", el("p", {}, "您好！可以问我政务公开的规定，例如“依申请公开多少个工作日内答复？”；"
  + "也可以切换到“公开属性”，粘贴公文草稿。"));
restoreConversation();
