// "Mark all present" on the attendance screen, without a round trip: checks every person's
// "present" radio and keeps the page. Without JavaScript the button posts and the server
// shows the roster again with everyone present (plc/meetings/views.py attendance).
(function () {
  "use strict";
  var button = document.getElementById("mark-all-present");
  var roster = document.getElementById("attendance-form");
  var status = document.getElementById("mark-all-status");
  if (!button || !roster) {
    return;
  }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var radios = roster.querySelectorAll("input[type=radio][value=present]");
    radios.forEach(function (radio) {
      radio.checked = true;
    });
    if (status) {
      status.textContent = "All " + radios.length + " marked present; not saved yet.";
    }
  });
})();
