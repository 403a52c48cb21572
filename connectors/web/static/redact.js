// Word in, Word out: upload a .docx, review every finding (遮盖/保留), copy the redacted text,
// download the redacted .docx honouring the toggles. Text goes into the page through text nodes only.
"use strict";

(function () {
  const NAMES = {
    id_card: "身份证号", mobile: "手机号", landline: "固定电话", bank_card: "银行卡号",
    credit_code: "统一社会信用代码", address: "住址", plate: "车牌号", email: "电子邮箱", name: "姓名",
    im_account: "QQ号/微信号", passport: "护照/通行证号码",
  };
  const fileInput = document.getElementById("docx-file");
  const log = document.getElementById("log");
  if (!fileInput || !log) return;

  function node(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") n.className = v; else n.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) n.append(typeof c === "string" ? document.createTextNode(c) : c);
    return n;
  }

  async function send(file, fields) {
    const body = new FormData();
    body.append("file", file, file.name);
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    let response;
    try {
      response = await fetch("/api/redact", { method: "POST", body });
    } catch (err) {
      throw new Error("无法连接助手服务，请检查网络或稍后再试。");
    }
    if (!response.ok) {
      let message = `处理失败（HTTP ${response.status}）。`;
      try { const data = await response.json(); if (data && data.error) message = data.error; } catch (err) { /* keep */ }
      throw new Error(message);
    }
    return response;
  }

  async function suggestion(file) {
    // The 公开属性 suggestion for the same file; the review works without it.
    const body = new FormData();
    body.append("file", file, file.name);
    try {
      const response = await fetch("/api/classify", { method: "POST", body });
      return response.ok ? await response.json() : null;
    } catch (err) {
      return null;
    }
  }

  function redactedText(text, findings, masked) {
    let out = "", cursor = 0;
    for (const f of [...findings].sort((a, b) => a.start - b.start)) {
      if (!masked.has(f.id) || f.start < cursor) continue;
      out += text.slice(cursor, f.start) + f.masked;
      cursor = f.end;
    }
    return out + text.slice(cursor);
  }

  function review(file, data, advice) {
    const findings = data.findings || [];
    const masked = new Set(findings.filter((f) => f.private).map((f) => f.id));
    const pre = node("pre", { class: "redacted redacted-doc" });
    const refresh = () => { pre.textContent = redactedText(data.text || "", findings, masked).trim(); };
    const items = findings.map((f) => {
      const box = node("input", { type: "checkbox", class: "mask-toggle", "data-id": String(f.id) });
      box.checked = masked.has(f.id);
      box.addEventListener("change", () => { if (box.checked) masked.add(f.id); else masked.delete(f.id); refresh(); });
      const note = f.private ? "" : "（单位公开信息，默认保留）";
      const flag = (f.flags || []).length ? node("span", { class: "flag" }, `（${f.flags.join("、")}，请核对原件）`) : null;
      return node("li", { class: "finding", "data-text": f.text },
        node("label", {}, box, " 遮盖 "), node("span", { class: "type" }, NAMES[f.type] || f.type), "：",
        node("mark", { class: `pii pii-${f.type}` }, f.text), " → ", f.masked, note, flag);
    });
    const copy = node("button", { type: "button", class: "copy" }, "复制删减后文本");
    copy.addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(pre.textContent); copy.textContent = "已复制"; } catch (err) {
        const range = document.createRange(); range.selectNodeContents(pre);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range); copy.textContent = "已选中，请按 Ctrl+C";
      }
    });
    const download = node("button", { type: "button", class: "download" }, "下载删减后的 Word 文件");
    download.addEventListener("click", async () => {
      const keep = findings.filter((f) => f.private && !masked.has(f.id)).map((f) => f.id);
      const mask = findings.filter((f) => !f.private && masked.has(f.id)).map((f) => f.id);
      try {
        const blob = await (await send(file, { keep: keep.join(","), mask: mask.join(",") })).blob();
        const link = node("a", { href: URL.createObjectURL(blob), download: file.name.replace(/\.docx$/i, "") + "-删减.docx" });
        document.body.append(link); link.click(); link.remove();
      } catch (err) {
        log.append(node("div", { class: "msg assistant error" }, node("p", {}, err.message)));
      }
    });
    refresh();
    const head = advice && advice.attribute
      ? node("p", { class: "attribute" }, "建议公开属性：", node("strong", {}, advice.attribute)) : null;
    const reasons = advice && (advice.reasons || []).length
      ? node("ul", { class: "reasons" }, ...advice.reasons.map((r) => node("li", {}, r.text || "",
        r.basis ? node("span", { class: "basis" }, `（依据：${r.basis}）`) : null))) : null;
    const box = node("div", { class: "msg assistant redact-review" },
      node("p", { class: "label" }, `文件「${file.name}」`), head, reasons,
      node("p", { class: "label" }, findings.length ? `发现 ${findings.length} 处，逐条选择遮盖或保留：` : "未发现个人信息。"),
      findings.length ? node("ul", { class: "findings" }, ...items) : null,
      node("p", { class: "label" }, "删减后文本："), pre, node("p", { class: "actions" }, copy, " ", download),
      advice ? node("p", { class: "hint small" }, "以上只是建议，公文的公开属性最终以审核、签发意见为准。") : null);
    log.append(box);
    box.scrollIntoView({ block: "end" });
  }

  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    const waiting = node("div", { class: "msg assistant pending" }, node("p", {}, "正在读取 Word 文件……"));
    log.append(waiting);
    try {
      const data = await (await send(file, { format: "json" })).json();
      review(file, data, await suggestion(file));
    } catch (err) {
      log.append(node("div", { class: "msg assistant error" }, node("p", {}, err.message)));
    } finally {
      waiting.remove();
      fileInput.value = "";
    }
  });
})();
