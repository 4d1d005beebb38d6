/* Quiz widgets rendered by execdocs.quiz_html.
 *
 * No libraries, no network.  The right option is stored only as data-key =
 * fnv1a32("quiz-id:LETTER") (8 hex digits), computed identically in Python
 * (execdocs.quiz_html.fnv1a32); crypto.subtle is avoided because it needs a
 * secure context.  Progress lives in localStorage per page path + quiz id.
 * Works with Material's instant navigation (document$) and plain page loads.
 *
 * Executed outputs inside a quiz (an option's output or exception, the spoiler
 * under a question's code, figures) are held back until the quiz is done:
 * answered correctly, out of attempts, or solution revealed.  Opening the
 * Solution counts as revealing it.  The build seals the solution, the spoiler and
 * a runs question's results out of the HTML (quiz-seal.js decodes them when the
 * quiz is done).  Once done the solution is open, so a right answer says why, and
 * after the reader answers focus moves to the feedback (a polite live region).
 */
(function () {
  "use strict";

  var timers = [];

  function fnv1a32(text) {
    var bytes = new TextEncoder().encode(text);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return ("00000000" + h.toString(16)).slice(-8);
  }

  function storageKey(quiz) {
    return "execdocs-quiz:" + location.pathname + ":" + quiz.dataset.quizId;
  }

  function load(quiz) {
    try {
      return JSON.parse(localStorage.getItem(storageKey(quiz))) || null;
    } catch (e) {
      return null; // storage disabled or corrupt: start fresh
    }
  }

  function save(quiz, state) {
    try {
      localStorage.setItem(storageKey(quiz), JSON.stringify(state));
    } catch (e) { /* private mode: progress is simply not kept */ }
  }

  function mmss(seconds) {
    var s = Math.max(0, seconds);
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  function options(quiz) {
    return Array.prototype.slice.call(quiz.querySelectorAll(".quiz-option"));
  }

  function rightLetter(quiz) {
    var found = options(quiz).filter(function (b) {
      return fnv1a32(quiz.dataset.quizId + ":" + b.dataset.option) === quiz.dataset.key;
    });
    return found.length ? found[0].dataset.option : null;
  }

  /* One closing full stop: option texts that already end in punctuation keep theirs. */
  function sentence(text) {
    return /[.!?]$/.test(text) ? text : text + ".";
  }

  function optionText(quiz, letter) {
    var button = quiz.querySelector('.quiz-option[data-option="' + letter + '"]');
    var item = button && (button.closest("li") || button);
    var text = item && item.querySelector(".quiz-text");
    return text ? text.textContent.trim() : "";
  }

  var OUTPUTS = ".exec-output, .exec-exception, .exec-stderr, .exec-figure, details.example";

  /* Hold back every executed output of the quiz (not those inside Hint or Solution,
   * which stay closed until opened) behind a short note saying when it appears. */
  function holdOutputs(quiz) {
    quiz.querySelectorAll(OUTPUTS).forEach(function (el) {
      if (el.parentNode.closest("details")) return;
      el.classList.add("quiz-held");
      var note = document.createElement("p");
      note.className = "quiz-pending";
      note.textContent = "The real output appears after you answer or reveal the solution.";
      el.parentNode.insertBefore(note, el);
    });
  }

  function unseal(quiz) {
    if (window.execdocsSeal) window.execdocsSeal.open(quiz);
  }

  function openSolution(quiz) {
    unseal(quiz);
    quiz.querySelectorAll("details.success").forEach(function (d) { d.open = true; });
  }

  /* The solution's one-line reason ("Quick check: ..."), once it is decoded; "" when it has none. */
  function quickCheck(quiz) {
    var lines = Array.prototype.slice.call(quiz.querySelectorAll("details.success p"));
    var found = lines.filter(function (p) { return /^Quick check:/.test(p.textContent.trim()); });
    return found.length ? " " + found[0].textContent.trim() : "";
  }

  /* After the reader acts, the answered (now disabled) button would drop focus to <body>. */
  function focusFeedback(quiz) {
    var box = quiz.querySelector(".quiz-feedback");
    if (!box) return;
    box.tabIndex = -1;
    box.focus();
  }

  function wrongTries(state) {
    return state.tried.filter(function (l) { return !(state.solved && l === state.chosen); });
  }

  /* Paint the widget from its state; called after every change and on restore. */
  function render(quiz, state) {
    var max = parseInt(quiz.dataset.attempts || "2", 10);
    var wrongs = wrongTries(state);
    var left = Math.max(0, max - wrongs.length);
    var done = state.solved || state.revealed || left === 0;
    var right = done ? rightLetter(quiz) : null;
    var counter = quiz.querySelector(".quiz-attempts-left");
    if (counter) counter.textContent = String(left);
    options(quiz).forEach(function (b) {
      var letter = b.dataset.option;
      var wrong = wrongs.indexOf(letter) >= 0;
      var isRight = (state.solved && letter === state.chosen) || (done && letter === right);
      b.setAttribute("aria-pressed", state.tried.indexOf(letter) >= 0 ? "true" : "false");
      b.classList.toggle("quiz-wrong", wrong);
      b.classList.toggle("quiz-right", isRight);
      if (wrong) b.setAttribute("aria-invalid", "true");
      else b.removeAttribute("aria-invalid");
      b.disabled = done || wrong;
    });
    quiz.classList.toggle("quiz-solved", !!state.solved);
    quiz.classList.toggle("quiz-done", done);
    var reveal = quiz.querySelector(".quiz-reveal");
    if (reveal) reveal.hidden = done; // answered: the solution is already open, nothing to reveal
    if (done) openSolution(quiz);
    feedback(quiz, state, left, right);
  }

  var SEE_WHY = " The worked solution is open below.";

  function feedback(quiz, state, left, right) {
    var box = quiz.querySelector(".quiz-feedback");
    if (!box) return;
    var msg = "";
    if (state.solved) {
      msg = "Correct! " + state.chosen + " is right." + quickCheck(quiz) + SEE_WHY;
    } else if (state.revealed || left === 0) {
      msg = (state.revealed ? "Solution revealed. " : "No attempts left. ") +
        "The right answer is " + right + ": " + sentence(optionText(quiz, right)) + SEE_WHY;
    } else if (state.tried.length) {
      var last = state.tried[state.tried.length - 1];
      msg = "Not quite: " + last + " is wrong. " + left + (left === 1 ? " attempt" : " attempts") +
        " left. Try the hint.";
    }
    box.textContent = msg;
    box.className = "quiz-feedback" + (state.solved ? " quiz-feedback-right" : msg ? " quiz-feedback-wrong" : "");
  }

  function choose(quiz, state, letter) {
    if (state.solved || state.revealed || state.tried.indexOf(letter) >= 0) return;
    var max = parseInt(quiz.dataset.attempts || "2", 10);
    if (wrongTries(state).length >= max) return;
    state.tried.push(letter);
    state.chosen = letter;
    state.solved = fnv1a32(quiz.dataset.quizId + ":" + letter) === quiz.dataset.key;
    if (state.solved) stopTimer(quiz);
    save(quiz, state);
    render(quiz, state);
    updateBadges();
    focusFeedback(quiz);
  }

  /* Arrow keys move focus between options (Enter/Space are native to buttons). */
  function onKey(quiz, event) {
    var all = options(quiz).filter(function (b) { return !b.disabled; });
    var i = all.indexOf(document.activeElement);
    if (i < 0) return;
    var next = { ArrowDown: i + 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowLeft: i - 1,
                 Home: 0, End: all.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    all[(next + all.length) % all.length].focus();
  }

  function stopTimer(quiz) {
    if (quiz._quizTimer) clearInterval(quiz._quizTimer);
    quiz._quizTimer = null;
  }

  function startTimer(quiz, button) {
    if (quiz._quizTimer) return;
    var left = parseInt(button.dataset.timer, 10);
    var shown = button.querySelector(".quiz-time");
    button.setAttribute("aria-pressed", "true");
    quiz._quizTimer = setInterval(function () {
      left -= 1;
      shown.textContent = mmss(left);
      if (left <= 0) {
        stopTimer(quiz);
        shown.textContent = "Time is up \u2014 you can still answer";
        button.classList.add("quiz-timeout");
      }
    }, 1000);
    timers.push(quiz._quizTimer);
  }

  function resetTimer(quiz) {
    var button = quiz.querySelector(".quiz-timer");
    stopTimer(quiz);
    if (!button) return;
    button.querySelector(".quiz-time").textContent = mmss(parseInt(button.dataset.timer, 10));
    button.classList.remove("quiz-timeout");
    button.setAttribute("aria-pressed", "false");
  }

  function fresh() {
    return { tried: [], chosen: null, solved: false, revealed: false };
  }

  function setup(quiz) {
    if (quiz.dataset.quizReady) return;
    quiz.dataset.quizReady = "1";
    if (window.execdocsSeal) window.execdocsSeal.prepare(quiz);
    holdOutputs(quiz);
    var state = load(quiz) || fresh();
    if (!Array.isArray(state.tried)) state = fresh();
    options(quiz).forEach(function (b) {
      b.addEventListener("click", function () { choose(quiz, state, b.dataset.option); });
    });
    quiz.addEventListener("keydown", function (e) { onKey(quiz, e); });
    var controls = quiz.querySelector(".quiz-controls");
    if (controls) controls.hidden = false;
    var timer = quiz.querySelector(".quiz-timer");
    if (timer) {
      timer.hidden = false;
      // the name must contain the visible text ("Timer 02:00", which counts down): no fixed aria-label
      timer.removeAttribute("aria-label");
      timer.title = "Start the timer";
      timer.addEventListener("click", function () { startTimer(quiz, timer); });
    }
    function revealSolution() {
      state.revealed = true;
      stopTimer(quiz);
      save(quiz, state);
      render(quiz, state);
      updateBadges();
    }
    var reveal = quiz.querySelector(".quiz-reveal");
    if (reveal) reveal.addEventListener("click", function () { revealSolution(); focusFeedback(quiz); });
    quiz.querySelectorAll("details.success").forEach(function (d) {
      var summary = d.querySelector("summary"); // decode before it opens: no flash of the sealed note
      if (summary) summary.addEventListener("click", function () { unseal(quiz); });
      d.addEventListener("toggle", function () {
        if (d.open && !quiz.classList.contains("quiz-done")) revealSolution();
      });
    });
    var reset = quiz.querySelector(".quiz-reset");
    if (reset) reset.addEventListener("click", function () {
      var f = fresh();
      Object.keys(f).forEach(function (k) { state[k] = f[k]; });
      save(quiz, state);
      resetTimer(quiz);
      quiz.querySelectorAll("details").forEach(function (d) { d.open = false; });
      render(quiz, state);
      updateBadges();
    });
    render(quiz, state);
  }

  /* A badge appears when every quiz of its data-group on this page is solved. */
  function updateBadges() {
    document.querySelectorAll(".quiz-badge[data-group]").forEach(function (badge) {
      var group = badge.dataset.group;
      var quizzes = Array.prototype.slice.call(
        document.querySelectorAll('.quiz[data-group="' + group + '"]'));
      var solved = quizzes.filter(function (q) { return q.classList.contains("quiz-solved"); });
      badge.hidden = !(quizzes.length && solved.length === quizzes.length);
      var progress = badge.parentNode.querySelector('.quiz-progress[data-group="' + group + '"]');
      if (progress) {
        progress.hidden = !quizzes.length;
        progress.textContent = solved.length + " of " + quizzes.length + " " + group + " questions solved";
      }
    });
  }

  function init() {
    timers.forEach(clearInterval); // instant navigation: the previous page's timers must stop
    timers = [];
    document.querySelectorAll(".quiz[data-quiz-id]").forEach(setup);
    updateBadges();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }

  window.execdocsQuiz = { fnv1a32: fnv1a32 }; // exposed for tests and debugging
})();
