// The register's admin page: list with filters, add, a timeline and events per application (textContent only).
"use strict";

let current = null;

function say(text, isError) {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = isError ? "error" : "";
}

async function call(url, body) {
  const options = body ? { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) } : {};
  const response = await fetch(url, options);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || "请求失败");
  return data;
}

function formData(form) {
  const out = {};
  for (const [key, value] of new FormData(form).entries()) if (value !== "") out[key] = value;
  return out;
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  row.appendChild(td);
}

async function load() {
  const params = new URLSearchParams(formData(document.getElementById("filters")));
  const apps = await call("/api/admin/apps?" + params.toString());
  const body = document.querySelector("#apps tbody");
  body.replaceChildren();
  for (const app of apps) {
    const row = document.createElement("tr");
    row.id = "app-" + app.id;
    row.dataset.id = app.id;
    for (const value of ["#" + app.id, app.received, app.applicant || app.applicant_type, app.content, app.handler,
                         app.status_label, app.due, app.extended_due]) cell(row, value);
    row.addEventListener("click", () => openApp(app.id));
    body.appendChild(row);
  }
}

async function openApp(id) {
  const app = await call("/api/admin/apps/" + id);
  current = id;
  document.getElementById("detail").hidden = false;
  document.getElementById("detail-title").textContent =
    "#" + app.id + " " + app.content + "（" + app.status_label + "，现在应在 " + (app.current_due || "—") + " 前答复）";
  const list = document.getElementById("timeline");
  list.replaceChildren();
  const items = [{ date: app.received, label: "收到申请" }, ...app.events];
  for (const e of items) {
    const li = document.createElement("li");
    li.textContent = e.date + " " + e.label + (e.outcome ? "：" + e.outcome : "") + (e.person ? "（" + e.person + "）" : "");
    list.appendChild(li);
  }
  for (const d of app.pending_dues) {
    const li = document.createElement("li");
    li.className = "due";
    li.textContent = d.date + " 期限：" + ({ correction_notice: "补正告知", reply: "答复", extended_reply: "延期后答复",
      fee_payment: "缴费" }[d.kind] || d.kind);
    list.appendChild(li);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("add").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const app = await call("/api/admin/apps", formData(event.target));
      say("已登记 #" + app.id + "，答复截止日 " + app.due);
      event.target.reset();
      await load();
    } catch (err) { say(err.message, true); }
  });
  document.getElementById("filters").addEventListener("submit", async (event) => {
    event.preventDefault();
    try { await load(); } catch (err) { say(err.message, true); }
  });
  document.getElementById("event").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const app = await call("/api/admin/apps/" + current + "/events", formData(event.target));
      say("已记录：#" + app.id + " " + app.status_label);
      await load();
      await openApp(current);
    } catch (err) { say(err.message, true); }
  });
  load().catch((err) => say(err.message, true));
});
