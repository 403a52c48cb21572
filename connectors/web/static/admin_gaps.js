// The improvement loop's admin page: gaps grouped by question, an approved answer with its citation,
// the approved answers, and the question bank as .xlsx (textContent only; no inline script).
// say, call, postJson and cell come from admin_common.js.
"use strict";

const KIND_LABELS = { refused: "没有找到", weak: "仅供参考", down: "👎", feedback: "/反馈" };
let clauses = [];

async function loadGaps() {
  const form = document.getElementById("filters");
  const params = new URLSearchParams();
  if (form.kind.value) params.set("kind", form.kind.value);
  if (form.resolved.checked) params.set("resolved", "true");
  const groups = await call("/api/admin/gaps?" + params.toString());
  const body = document.querySelector("#gaps tbody");
  body.replaceChildren();
  groups.forEach((g, n) => {
    const row = document.createElement("tr");
    row.id = "gap-" + n;
    row.dataset.norm = g.norm;
    cell(row, g.question || "（无对应问题）");
    cell(row, Object.entries(g.kinds).map(([k, c]) => (KIND_LABELS[k] || k) + " " + c).join("，"));
    cell(row, g.count);
    cell(row, g.first.replace("T", " "));
    cell(row, g.last.replace("T", " "));
    cell(row, g.notes.join("；"));
    const action = cell(row, "");
    if (!g.resolved) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "write";
      button.textContent = "写回答";
      button.addEventListener("click", () => openEditor(g));
      action.appendChild(button);
    } else {
      action.textContent = "已处理";
    }
    body.appendChild(row);
  });
  if (!groups.length) {
    const row = document.createElement("tr");
    cell(row, "没有符合条件的问题。").colSpan = 7;
    body.appendChild(row);
  }
}

function showClauses(found) {
  clauses = found;
  const select = document.getElementById("clause");
  select.replaceChildren();
  for (const c of found) {
    const option = document.createElement("option");
    option.value = c.id;
    option.textContent = "《" + c.title + "》" + c.section + "：" + c.text.slice(0, 60);
    select.appendChild(option);
  }
  document.getElementById("clause-text").textContent = "";
}

let clauseSearches = 0;  // a slower earlier search must not replace the list of a later one

async function searchClauses(query) {
  const mine = ++clauseSearches;
  const found = await call("/api/admin/clauses?q=" + encodeURIComponent(query));
  if (mine === clauseSearches) showClauses(found);
}

async function openEditor(group) {
  const form = document.getElementById("approve");
  form.reset();
  form.question.value = group.question;
  form.norm.value = group.norm;
  document.getElementById("editor").hidden = false;
  document.getElementById("clause-q").value = group.question;
  await searchClauses(group.question);
  form.answer.focus();
}

async function loadApproved() {
  const entries = await call("/api/admin/bank");
  const body = document.querySelector("#approved tbody");
  body.replaceChildren();
  for (const e of entries) {
    const row = document.createElement("tr");
    row.id = "approved-" + e.id;
    cell(row, e.id);
    cell(row, e.questions.join(" / "));
    cell(row, e.answer);
    cell(row, "《" + e.title + "》" + e.section);
    cell(row, e.updated.replace("T", " "));
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "删除";
    button.addEventListener("click", async () => {
      try {
        await postJson("/api/admin/bank/" + encodeURIComponent(e.id) + "/delete", {});
        say("已删除审定回答 " + e.id);
        await loadApproved();
      } catch (err) { say(err.message, true); }
    });
    cell(row, "").appendChild(button);
    body.appendChild(row);
  }
}

async function importFile(form) {
  const file = form.file.files[0];
  if (!file) throw new Error("请选择要导入的 .xlsx 文件。");
  const result = await call("/api/admin/bank.xlsx", { method: "POST", body: file,
    headers: { "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } });
  const list = document.getElementById("import-errors");
  list.replaceChildren();
  for (const message of result.errors) {
    const li = document.createElement("li");
    li.textContent = message;
    list.appendChild(li);
  }
  say("已导入 " + result.imported + " 条，未改动 " + result.unchanged + " 条，有误跳过 " + result.errors.length + " 条。",
      result.errors.length > 0);
  await loadApproved();
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("filters").addEventListener("submit", async (event) => {
    event.preventDefault();
    try { say(""); await loadGaps(); } catch (err) { say(err.message, true); }
  });
  document.getElementById("clause-search").addEventListener("click", async () => {
    try { await searchClauses(document.getElementById("clause-q").value); } catch (err) { say(err.message, true); }
  });
  document.getElementById("clause").addEventListener("change", (event) => {
    const chosen = clauses.find((c) => c.id === event.target.value);
    document.getElementById("clause-text").textContent = chosen ? chosen.text : "";
  });
  document.getElementById("approve").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      const saved = await postJson("/api/admin/bank", {
        question: form.question.value, answer: form.answer.value, chunk_id: form.chunk_id.value,
        anchor: form.anchor.value, norm: form.norm.value,
        paraphrases: form.paraphrases.value.split("\n").map((s) => s.trim()).filter(Boolean),
      });
      say("已保存审定回答 " + saved.id + "（依据《" + saved.title + "》" + saved.section + "），已处理 " + saved.resolved + " 条记录。");
      document.getElementById("editor").hidden = true;
      await loadGaps();
      await loadApproved();
    } catch (err) { say(err.message, true); }
  });
  document.getElementById("import").addEventListener("submit", async (event) => {
    event.preventDefault();
    try { await importFile(event.target); } catch (err) { say(err.message, true); }
  });
  loadGaps().catch((err) => say(err.message, true));
  loadApproved().catch((err) => say(err.message, true));
});
