/* Sealed quiz answers (execdocs.render.quiz_seal), decoded when the quiz is done.
 *
 * The build keeps a quiz's worked solution, its held-back output and a runs question's option
 * results out of the page's HTML: each is a <div class="quiz-sealed" data-sealed="..."> whose
 * payload is the original HTML XORed with xorshift32 bytes seeded by fnv1a32("seal:" + quiz id),
 * base64-encoded.  Its visible text is the no-JavaScript note; with JavaScript the note says
 * when the answer appears, and open(quiz) puts the original HTML back in its place.
 * Obfuscation, not secrecy: it keeps answers out of view-source and text extraction.
 */
(function () {
  "use strict";

  function fnv1a32(text) {
    var bytes = new TextEncoder().encode(text);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  function decode(quizId, payload) {
    var raw = atob(payload);
    var bytes = new Uint8Array(raw.length);
    var x = fnv1a32("seal:" + quizId) || 1;
    for (var i = 0; i < raw.length; i++) {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
      bytes[i] = raw.charCodeAt(i) ^ (x & 0xff);
    }
    return new TextDecoder().decode(bytes);
  }

  /* With JavaScript the reader can answer, so the note says when the answer appears. */
  function prepare(quiz) {
    quiz.querySelectorAll(".quiz-sealed .quiz-sealed-note").forEach(function (note) {
      var output = note.parentNode.classList.contains("quiz-sealed-output");
      note.textContent = output
        ? "This option's real result appears after you answer or reveal the solution."
        : "Shown once you answer or choose Reveal solution.";
      if (output) note.classList.add("quiz-pending");
    });
  }

  /* Put every sealed part of the quiz back; returns how many were opened (0 when done before). */
  function open(quiz) {
    var sealed = Array.prototype.slice.call(quiz.querySelectorAll(".quiz-sealed[data-sealed]"));
    sealed.forEach(function (el) {
      var holder = document.createElement("div");
      holder.innerHTML = decode(quiz.dataset.quizId, el.dataset.sealed);
      while (holder.firstChild) el.parentNode.insertBefore(holder.firstChild, el);
      el.parentNode.removeChild(el);
    });
    if (sealed.length && window.execdocsFigures) window.execdocsFigures.refresh(quiz);
    return sealed.length;
  }

  window.execdocsSeal = { prepare: prepare, open: open, decode: decode };
})();
