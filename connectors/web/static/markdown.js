// A tiny, safe Markdown renderer for answers: **bold**, "- " / "1. " lists, # headings, line breaks.
// Safe by construction: the text is only ever put into the page as text nodes (createTextNode), so
// any markup in it (<img onerror=…>) stays visible text; there is no innerHTML and no raw HTML pass-through.
"use strict";

(function () {
  const BULLET = /^\s*(?:[-*•·]|\d+[.、）)])\s+/;
  const NUMBERED = /^\s*\d+[.、）)]\s+/;
  const HEADING = /^\s*#{1,6}\s+/;

  function inline(text) {
    // **bold** / __bold__ -> <strong>; an unpaired ** is shown as it is
    const fragment = document.createDocumentFragment();
    const pattern = /\*\*(.+?)\*\*|__(.+?)__/g;
    let cursor = 0;
    for (const match of text.matchAll(pattern)) {
      fragment.append(document.createTextNode(text.slice(cursor, match.index)));
      const strong = document.createElement("strong");
      strong.append(document.createTextNode(match[1] !== undefined ? match[1] : match[2]));
      fragment.append(strong);
      cursor = match.index + match[0].length;
    }
    fragment.append(document.createTextNode(text.slice(cursor)));
    return fragment;
  }

  function paragraph(lines) {
    const p = document.createElement("p");
    lines.forEach((line, i) => {
      if (i > 0) p.append(document.createElement("br"));
      p.append(inline(line));
    });
    return p;
  }

  function list(items) {
    // items: [first line, indented continuation lines …]; numbered lists keep their own numbers
    const ordered = items.every((lines) => NUMBERED.test(lines[0]));
    const node = document.createElement(ordered ? "ol" : "ul");
    for (const lines of items) {
      const li = document.createElement("li");
      if (ordered) li.value = parseInt(lines[0], 10);
      lines.forEach((line, i) => {
        if (i > 0) li.append(document.createElement("br"));
        li.append(inline(i === 0 ? line.replace(BULLET, "") : line.trim()));
      });
      node.append(li);
    }
    return node;
  }

  function renderMarkdown(text) {
    // Blocks: runs of list lines, headings, and paragraphs separated by blank lines.
    const root = document.createDocumentFragment();
    let para = [];
    let items = [];
    const flush = () => {
      if (para.length) root.append(paragraph(para));
      if (items.length) root.append(list(items));
      para = [];
      items = [];
    };
    for (const raw of String(text || "").split(/\r?\n/)) {
      if (!raw.trim()) { flush(); continue; }
      if (BULLET.test(raw)) {
        if (para.length) { root.append(paragraph(para)); para = []; }
        items.push([raw]);
        continue;
      }
      if (items.length && /^\s/.test(raw)) { // an indented line continues the list item above it
        items[items.length - 1].push(raw);
        continue;
      }
      if (items.length) { root.append(list(items)); items = []; }
      if (HEADING.test(raw)) {
        flush();
        const h = document.createElement("p");
        h.className = "heading";
        const strong = document.createElement("strong");
        strong.append(inline(raw.replace(HEADING, "")));
        h.append(strong);
        root.append(h);
        continue;
      }
      para.push(raw);
    }
    flush();
    return root;
  }

  window.renderMarkdown = renderMarkdown;
})();
