// The conversation of the 问答 mode, kept in this browser's localStorage so that a reload keeps it and
// follow-ups ("我是卫健局的" → "我们局有哪些任务") reach /api/ask as history. Drafts pasted for
// 公开属性 are never stored (they carry personal data).
"use strict";

(function () {
  const KEY = "gongkai.chat.v1";
  const MAX_MESSAGES = 40; // what is kept and replayed
  const MAX_SENT = MAX_MESSAGES; // all that is kept reaches /api/ask (its limit is 50): "我是卫健局的" said long ago still counts

  function load() {
    try {
      const data = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(data) ? data.filter((m) => m && typeof m.text === "string"
        && (m.role === "user" || m.role === "assistant")) : [];
    } catch (err) {
      return [];
    }
  }

  function save(messages) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(messages.slice(-MAX_MESSAGES)));
    } catch (err) {
      // storage full or disabled (private mode): the conversation still works, it just is not kept
    }
  }

  const ChatHistory = {
    all: load,
    add(role, text, sources) {
      const messages = load();
      messages.push(role === "assistant" ? { role, text, sources: sources || [] } : { role, text });
      save(messages);
    },
    forApi() {
      return load().slice(-MAX_SENT).map((m) => ({ role: m.role, text: m.text }));
    },
    clear() {
      try { window.localStorage.removeItem(KEY); } catch (err) { /* nothing kept anyway */ }
    },
  };

  window.ChatHistory = ChatHistory;
})();
