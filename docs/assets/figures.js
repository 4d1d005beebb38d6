/* A visible cue under every figure wider than its column (phones).
 *
 * Why: on a narrow screen a figure keeps the width at which its smallest text is 10 px
 * (execdocs.css) and scrolls sideways inside its paragraph, so a reader sees only part of it
 * (a multi-panel figure loses its right-hand panels and half its title) with no sign that
 * there is more.  Under each such figure this adds a line saying how much of it is in view,
 * that it scrolls, and a link that opens it full size (the figure itself is that link too);
 * its frame fades at the edge that hides more.  Recomputed on resize, when a <details>
 * opens and when a quiz decodes its sealed outputs (refresh).
 */
(function () {
  "use strict";

  function frameOf(img) {
    var link = img.closest("a.exec-figure-open");
    var frame = (link || img).parentElement;
    return frame && frame.tagName === "P" ? frame : null;
  }

  function cueOf(frame) {
    var next = frame.nextElementSibling;
    return next && next.classList.contains("exec-figure-cue") ? next : null;
  }

  function makeCue(img) {
    var cue = document.createElement("p");
    cue.className = "exec-figure-cue";
    var arrow = document.createElement("span");
    arrow.setAttribute("aria-hidden", "true");
    arrow.textContent = "\u2194 ";
    var share = document.createElement("span");
    share.className = "exec-figure-share";
    var open = document.createElement("a");
    open.href = img.getAttribute("src");
    open.textContent = "open the figure full size";
    cue.append(arrow, share, " Swipe it sideways to see the rest, or ", open, ".");
    return cue;
  }

  function edges(frame) {
    var max = frame.scrollWidth - frame.clientWidth;
    frame.classList.toggle("exec-figure-more-right", frame.scrollLeft < max - 1);
    frame.classList.toggle("exec-figure-more-left", frame.scrollLeft > 1);
  }

  function update(img) {
    var frame = frameOf(img);
    if (!frame) return;
    var shown = img.getBoundingClientRect().width;
    var wide = shown > 0 && shown > frame.clientWidth + 1;
    frame.classList.toggle("exec-figure-wide", wide);
    var cue = cueOf(frame);
    if (!wide) {  // it fits (again): no cue and no faded edge
      frame.classList.remove("exec-figure-more-right", "exec-figure-more-left");
      if (cue) cue.remove();
      return;
    }
    if (!cue) {
      cue = makeCue(img);
      frame.after(cue);
      frame.addEventListener("scroll", function () { edges(frame); }, { passive: true });
    }
    var percent = Math.floor((100 * frame.clientWidth) / shown);
    cue.querySelector(".exec-figure-share").textContent =
      "This figure is wider than the screen: " + percent + " % of it is in view.";
    edges(frame);
  }

  function refresh(root) {
    (root || document).querySelectorAll(".md-typeset img.exec-figure").forEach(update);
  }

  var pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; refresh(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { refresh(); });
  else refresh();
  window.addEventListener("load", soon);
  window.addEventListener("resize", soon);
  document.addEventListener("toggle", soon, true); // a figure inside a <details> that opens
  window.execdocsFigures = { refresh: refresh };
})();
