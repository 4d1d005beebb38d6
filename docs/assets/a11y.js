/* Accessibility shims for HTML we do not write ourselves (Material, mkdocs-jupyter).
 *
 * Why JavaScript: the markup comes from the theme and the notebook converter; these are
 * attributes they leave out, added once the page has loaded (checked by tests/browser/test_axe.py).
 */
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

  // Material's search overlay has role="dialog" but no name.
  function nameSearchDialog() {
    document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (dialog) {
      dialog.setAttribute("aria-label", "Search");
    });
  }

  // A region that scrolls must be reachable with the keyboard (notebook code cells and outputs).
  function focusScrollableRegions() {
    document.querySelectorAll(".jupyter-wrapper div, .jupyter-wrapper pre, .md-typeset pre").forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      var style = scrolls ? getComputedStyle(el) : null;
      var canScroll = style && /(auto|scroll)/.test(style.overflowX + style.overflowY);
      if (!canScroll || el.hasAttribute("tabindex") || el.querySelector(FOCUSABLE)) return;
      el.setAttribute("tabindex", "0");
      if (!el.hasAttribute("role")) el.setAttribute("role", "group");
      var what = el.closest(".jp-OutputArea, .jp-Cell-outputWrapper") ? "Output" : "Code";
      if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", what + " (scrolls)");
    });
  }

  function run() {
    nameSearchDialog();
    focusScrollableRegions();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
  window.addEventListener("load", focusScrollableRegions);
  window.addEventListener("resize", function () { window.requestAnimationFrame(focusScrollableRegions); });
})();
