// The login page: WeCom sign-in link and/or the local-account form. Messages go in through textContent.
"use strict";

const ERRORS = {
  state: "登录已超时或链接无效，请重新登录。",
  code: "企业微信登录已失效，请重新登录。",
  member: "只有本单位企业微信成员可以登录。",
  upstream: "暂时无法连接企业微信，请稍后再试。",
  config: "本站未配置企业微信登录，请使用账号密码登录。",
};

const params = new URLSearchParams(location.search);
const rawNext = params.get("next") || "/";
// Only a path on this site, never another site (//host or /\host).
const next = /^\/(?![\/\\])/.test(rawNext) && !/[\x00-\x20\x7f\\]/.test(rawNext) ? rawNext : "/";
const errorBox = document.getElementById("login-error");

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

if (params.get("error")) showError(ERRORS[params.get("error")] || "登录失败，请重试。");

document.getElementById("wecom-button").href = "/auth/wecom?next=" + encodeURIComponent(next);

fetch("/auth/methods").then((r) => r.json()).then((methods) => {
  document.getElementById("wecom-login").hidden = !methods.wecom;
  document.getElementById("local-login").hidden = !methods.local;
}).catch(() => showError("无法连接助手服务，请稍后再试。"));

document.getElementById("local-login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("login-submit");
  button.disabled = true;
  try {
    const response = await fetch("/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        username: document.getElementById("username").value,
        password: document.getElementById("password").value,
        next,
      }),
    });
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    if (response.ok) {
      location.href = (data && data.next) || "/";
      return;
    }
    showError((data && typeof data.error === "string" && data.error) || `登录失败（HTTP ${response.status}）。`);
  } catch (err) {
    showError("无法连接助手服务，请稍后再试。");
  } finally {
    button.disabled = false;
  }
});
