// Who is signed in, and a way out. Loaded by the chat page; the guard already made sure someone is.
"use strict";

(async () => {
  const box = document.getElementById("session");
  if (!box) return;
  let me = null;
  try {
    const response = await fetch("/auth/me");
    if (response.status === 401) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname);
      return;
    }
    me = await response.json();
  } catch (err) {
    return;
  }
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = `已登录：${me.user}${me.role === "admin" ? "（管理员）" : ""}`;
  const out = document.createElement("button");
  out.type = "button";
  out.className = "logout";
  out.textContent = "退出登录";
  out.addEventListener("click", async () => {
    await fetch("/auth/logout", { method: "POST" });
    location.href = "/login";
  });
  box.append(who, out);
})();
