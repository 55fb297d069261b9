// fitcheck on the owner's site (docs/embedding.md): puts the frame in each
// [data-fitcheck] box, with the page's utm_* and referring host, and fits
// it to each page inside (frame.js tells the height). It listens only to
// its own frames, from their origin, and only to sizes.
"use strict";
(() => {
  const script = document.currentScript;
  const origin = script ? new URL(script.src).origin : "";
  const frames = new Map();
  for (const box of document.querySelectorAll("[data-fitcheck]")) {
    if (box.querySelector("iframe[data-fitcheck-frame]")) continue;
    const src = new URL(box.dataset.fitcheck || "/embed", origin || location.href);
    if (origin && src.origin !== origin) continue;
    const here = new URL(location.href);
    for (const key of ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]) {
      const value = here.searchParams.get(key);
      if (value) src.searchParams.set(key, value);
    }
    try {
      const ref = document.referrer && new URL(document.referrer).hostname;
      if (ref && ref !== location.hostname) src.searchParams.set("ref", ref);
    } catch { /* no readable referrer */ }
    const frame = document.createElement("iframe");
    frame.src = src.href;
    frame.title = box.dataset.fitcheckTitle || "fitcheck: is a fractional product leader right for you?";
    frame.dataset.fitcheckFrame = "";
    frame.style.cssText = "display:block;width:100%;height:720px;border:0";
    box.replaceChildren(frame);
    frames.set(frame.contentWindow, frame);
  }
  addEventListener("message", (e) => {
    const frame = frames.get(e.source);
    if (!frame || e.origin !== new URL(frame.src).origin || !e.data || typeof e.data.height !== "number") return;
    frame.style.height = Math.max(320, Math.min(e.data.height, 20000)) + "px";
    if (e.data.fitcheck === "page" && frame.getBoundingClientRect().top < 0) frame.scrollIntoView();
  });
})();
