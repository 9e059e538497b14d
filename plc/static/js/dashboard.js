// The cohort dashboard, enhanced. Without JavaScript everything still works: "Apply" reloads
// with the chosen filter and sort, "Select all flagged" reloads with the flagged members
// ticked (plc/dashboards/views.py), and the count is the server's.
(function () {
  "use strict";

  // Filter and sort apply as soon as they change; the Apply button is then not needed.
  document.querySelectorAll("form[data-instant]").forEach(function (form) {
    form.querySelectorAll("[data-instant-button]").forEach(function (el) {
      el.hidden = true;
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        form.submit();
      });
    });
  });

  var choices = document.querySelectorAll("input.nudge-choice");
  var count = document.getElementById("nudge-count");

  function showCount() {
    if (!count) {
      return;
    }
    var n = 0;
    choices.forEach(function (box) {
      if (box.checked) {
        n += 1;
      }
    });
    count.textContent = n === 0 ? "No member selected yet."
      : n + (n === 1 ? " member" : " members") + " selected.";
  }

  choices.forEach(function (box) {
    box.addEventListener("change", showCount);
  });

  var selectFlagged = document.getElementById("select-flagged");
  if (selectFlagged) {
    selectFlagged.addEventListener("click", function (event) {
      event.preventDefault();
      choices.forEach(function (box) {
        if (box.classList.contains("flagged")) {
          box.checked = true;
        }
      });
      showCount();
      var message = document.getElementById("nudge-message");
      if (message) {
        message.scrollIntoView({block: "center"});
        var field = message.querySelector("textarea");
        if (field) {
          field.focus();
        }
      }
    });
  }
})();
