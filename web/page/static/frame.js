// fitcheck inside a frame on another site: tells the page around it how
// tall this page is, so the frame can fit it (embed.js listens), and that
// a new page opened, so it can bring the frame's top into view. Only sizes
// cross: never an answer, a draft or an address. Without it the frame
// keeps the height the snippet gave it, and scrolls.
"use strict";
if (window.parent !== window) {
  const tell = (message) => window.parent.postMessage({ fitcheck: message, height: Math.ceil(document.documentElement.scrollHeight) }, "*");
  tell("page");
  new ResizeObserver(() => tell("height")).observe(document.documentElement);
  for (const form of document.querySelectorAll("form[data-continue]")) form.requestSubmit();
}
