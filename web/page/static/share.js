// fitcheck's one script: copy and print buttons on the result page. The
// page works without it; the buttons stay hidden until it runs.
"use strict";
for (const b of document.querySelectorAll("[data-copy]")) {
  if (!navigator.clipboard) break;
  b.hidden = false;
  b.addEventListener("click", async () => {
    const label = b.textContent;
    try {
      await navigator.clipboard.writeText(b.dataset.copy);
      b.textContent = "Copied";
    } catch {
      b.textContent = "Select the link to copy it";
    }
    setTimeout(() => { b.textContent = label; }, 2000);
  });
}
for (const b of document.querySelectorAll("[data-print]")) {
  b.hidden = false;
  b.addEventListener("click", () => window.print());
}
const link = document.getElementById("share-link");
if (link) link.addEventListener("focus", () => link.select());
