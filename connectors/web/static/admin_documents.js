// The documents admin page: list, upload, remove, supersede (textContent only; the guard checks the origin).
// say, call, postJson and cell come from admin_common.js.
"use strict";

function button(label, name, action) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.name = name;
  b.addEventListener("click", () => action().catch((err) => say(err.message, true)));
  return b;
}

function actions(doc, all) {
  const box = document.createElement("span");
  if (!doc.builtin) {
    box.appendChild(button("删除", "remove", async () => {
      if (!window.confirm("确定删除《" + doc.title + "》？删除后回答不再引用它。")) return;
      await postJson("/api/admin/documents/" + encodeURIComponent(doc.id) + "/remove");
      say("已删除《" + doc.title + "》");
      await load();
    }));
  }
  if (doc.status === "current") {
    const pick = document.createElement("select");
    pick.name = "by";
    const none = document.createElement("option");
    none.value = "";
    none.textContent = "被哪个文档替代…";
    pick.appendChild(none);
    for (const other of all) {
      if (other.id === doc.id || other.status !== "current") continue;
      const option = document.createElement("option");
      option.value = other.id;
      option.textContent = other.title + (other.year ? "（" + other.year + "年）" : "");
      pick.appendChild(option);
    }
    box.appendChild(pick);
    box.appendChild(button("标记为已被替代", "supersede", async () => {
      if (!pick.value) { say("请先选择替代它的新文档", true); return; }
      await postJson("/api/admin/documents/" + encodeURIComponent(doc.id) + "/supersede", { by: pick.value });
      say("《" + doc.title + "》已标记为已被替代");
      await load();
    }));
    box.appendChild(button("撤回", "withdraw", async () => {
      await postJson("/api/admin/documents/" + encodeURIComponent(doc.id) + "/withdraw");
      say("《" + doc.title + "》已标记为已撤回");
      await load();
    }));
  } else {
    box.appendChild(button("恢复为现行有效", "restore", async () => {
      await postJson("/api/admin/documents/" + encodeURIComponent(doc.id) + "/restore");
      say("《" + doc.title + "》已恢复为现行有效");
      await load();
    }));
  }
  return box;
}

async function load() {
  const docs = await call("/api/admin/documents");
  const body = document.querySelector("#documents tbody");
  body.replaceChildren();
  for (const doc of docs) {
    const row = document.createElement("tr");
    row.dataset.id = doc.id;
    row.dataset.status = doc.status;
    for (const value of [doc.id, doc.title, doc.kind_label, doc.year, doc.issuer, doc.doc_number, doc.status_label,
                         doc.chunks]) cell(row, value);
    cell(row, "").appendChild(actions(doc, docs));
    body.appendChild(row);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("upload").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    for (const key of ["kind", "year", "issuer", "doc_number"]) if (form.get(key) === "") form.delete(key);
    try {
      const doc = await call("/api/admin/documents", { method: "POST", body: form });
      say((doc.replaced ? "已替换：" : "已导入：") + "《" + doc.title + "》（" + doc.chunks + "段，编号 " + doc.id + "）");
      event.target.reset();
      await load();
    } catch (err) { say(err.message, true); }
  });
  load().catch((err) => say(err.message, true));
});
