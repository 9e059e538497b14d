// The reflection worksheet, one competency at a time (or all on one page, as the person
// chooses: "Show all on one page", kept in localStorage), saved as a draft as you go.
//
// Without JavaScript the worksheet is one long page with "Save draft" and "Submit", and all of
// that still works with it: this script only shows one step (a competency's card, then the top
// 3 changes) at a time with Previous/Next and "3 of 7 rated", and posts the page's own form in
// the background (Accept: application/json, action=save; plc/assessments/views.py
// _autosave_answer). Each answer carries the worksheet's new version, which the next post sends:
// a tab left open while another saved the worksheet gets a conflict (409) and a message, and
// stops saving rather than overwriting; "Save draft" then shows the usual stale-save page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-worksheet]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
  var competencies = steps.filter(function (s) { return s.dataset.rating; });
  if (!steps.length) {
    return;
  }
  var stepper = document.getElementById("worksheet-stepper");
  var nav = document.getElementById("worksheet-steps");
  var position = document.getElementById("worksheet-position");
  var progress = document.getElementById("worksheet-progress");
  var rated = document.getElementById("worksheet-rated");
  var status = document.getElementById("autosave-status");
  var problem = document.getElementById("autosave-problem");
  var previous = document.getElementById("step-previous");
  var next = document.getElementById("step-next");
  var modeButton = document.getElementById("worksheet-mode");
  var version = form.querySelector("input[name=version]");
  // (form.action would be the form's field named "action")
  var target = form.getAttribute("action") || window.location.href;
  var current = 0;
  var MODE_KEY = "plc-worksheet-all";  // the person's choice, kept in this browser
  var allOnOnePage = false;
  try {
    allOnOnePage = window.localStorage.getItem(MODE_KEY) === "1";
  } catch (e) {
    allOnOnePage = false;
  }

  // --- one step at a time -------------------------------------------------------------------

  function isRated(step) {
    return !!form.querySelector("input[name='" + step.dataset.rating + "']:checked");
  }

  function countRated() {
    var n = competencies.filter(isRated).length;
    rated.textContent = n + " of " + competencies.length + " rated";
    progress.value = n;
  }

  function show(index, moveFocus) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    modeButton.textContent = allOnOnePage ? "One competency at a time" : "Show all on one page";
    nav.hidden = allOnOnePage;
    position.hidden = allOnOnePage;
    steps.forEach(function (step, i) {
      step.hidden = !allOnOnePage && i !== current;
    });
    form.querySelectorAll("[data-category]").forEach(function (section) {
      section.hidden = !section.querySelector("[data-step]:not([hidden])");
    });
    var step = steps[current];
    position.textContent = step.dataset.rating
      ? "Competency " + (current + 1) + " of " + competencies.length + ": " + step.dataset.step
      : step.dataset.step;
    previous.disabled = current === 0;
    next.hidden = current === steps.length - 1;
    if (moveFocus) {
      var heading = step.querySelector("h2, h3");
      stepper.scrollIntoView({block: "start", behavior: "instant"});  // the step changed: no glide
      if (heading) {
        heading.focus({preventScroll: true});
      }
    }
  }

  function firstStep() {
    // A page sent back with errors opens at the first of them; else where the work stopped.
    var withError = steps.findIndex(function (s) {
      return s.querySelector(".is-invalid, .text-danger");
    });
    if (withError >= 0) {
      return withError;
    }
    var unrated = competencies.findIndex(function (s) { return !isRated(s); });
    return unrated >= 0 ? unrated : steps.length - 1;
  }

  modeButton.addEventListener("click", function () {
    allOnOnePage = !allOnOnePage;
    try {
      window.localStorage.setItem(MODE_KEY, allOnOnePage ? "1" : "0");
    } catch (e) {
      // no storage: the choice lasts for this page
    }
    show(current, false);
    modeButton.focus();
  });

  previous.addEventListener("click", function () {
    saveNow();
    show(current - 1, true);
  });
  next.addEventListener("click", function () {
    saveNow();
    show(current + 1, true);
  });

  // --- autosave -----------------------------------------------------------------------------

  var TYPING_PAUSE = 1500;  // ms after the last key before text is saved
  var timer = null;
  var dirty = false;
  var inFlight = null;  // the running save's promise
  var stopped = false;  // after a conflict: nothing more is saved in the background
  var waitingSubmit = null;  // the button of a submit held back until a save returns

  function say(text, state) {
    status.textContent = text;
    form.dataset.autosave = state;  // pending, saving, saved or failed (tests wait on it)
  }

  function size(data) {
    var n = 0;
    data.forEach(function (value) { n += String(value).length * 3; });
    return n;
  }

  function payload() {
    var data = new FormData(form);
    data.set("action", "save");
    return data;
  }

  function saveNow() {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!dirty || stopped) {
      return inFlight || Promise.resolve();
    }
    if (inFlight) {  // one save at a time; the newest text goes in the next one
      return inFlight.then(saveNow);
    }
    dirty = false;
    say("Saving your draft…", "saving");
    var body = payload();
    inFlight = fetch(target, {
      method: "POST",
      body: body,
      headers: {"Accept": "application/json"},
      credentials: "same-origin",
      // A save running when the page is left (a reload, a link) still arrives; the browser
      // allows this for bodies under 64 kB.
      keepalive: size(body) < 60000
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok && answer.version) {
          version.value = answer.version;
          problem.hidden = true;
          var now = new Date();
          say("Draft saved at " + now.toLocaleTimeString([], {hour: "numeric", minute: "2-digit"})
              + ".", dirty ? "pending" : "saved");
        } else {
          if (response.status === 409) {
            stopped = true;
          } else {
            dirty = true;
          }
          say("Not saved.", "failed");
          problem.textContent = answer.error || "Your draft could not be saved. Press “Save draft”.";
          problem.hidden = false;
        }
      });
    }).catch(function () {
      dirty = true;
      say("Not saved: no connection. Your draft will be saved at your next change, or press "
          + "“Save draft”.", "failed");
    }).then(function () {
      inFlight = null;
      if (waitingSubmit) {
        var button = waitingSubmit;
        waitingSubmit = null;
        form.requestSubmit(button);
      }
    });
    return inFlight;
  }

  function saveSoon(delay) {
    dirty = true;
    if (stopped) {
      return;
    }
    form.dataset.autosave = "pending";
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(saveNow, delay);
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") {
      countRated();
    }
    saveSoon(200);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") {
      saveSoon(TYPING_PAUSE);
    }
  });
  form.addEventListener("submit", function (event) {
    // "Save draft" or "Submit" carries the version the last background save answered: hold
    // the button back until a running save has returned.
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (inFlight) {
      event.preventDefault();
      waitingSubmit = event.submitter || null;
    }
    dirty = false;
  });
  window.addEventListener("pagehide", function () {
    if (dirty && !stopped && !inFlight) {
      fetch(target, {
        method: "POST", body: payload(), headers: {"Accept": "application/json"},
        credentials: "same-origin", keepalive: true
      });
    }
  });

  stepper.hidden = false;
  countRated();
  show(firstStep(), false);
})();
