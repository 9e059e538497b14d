// Drag and drop in the framework editor, on top of its Move up / Move down buttons (which
// stay, for the keyboard and without JavaScript): each category and competency gets a drag
// handle; dropping one on another posts the whole form with the action
// "move-<kind>-<from>-to-<to>", which the server applies as it applies the buttons
// (plc/rubrics/editor.py apply), saving the draft.
(function () {
  "use strict";
  var form = document.querySelector("form.framework-editor");
  if (!form) {
    return;
  }
  var dragged = null;
  form.querySelectorAll("[data-drag-kind]").forEach(function (item) {
    var handle = document.createElement("span");
    handle.className = "drag-handle";
    handle.textContent = "\u2630 Drag";
    handle.setAttribute("draggable", "true");
    handle.setAttribute("aria-hidden", "true"); // the Move buttons are the accessible way
    var legend = item.querySelector(":scope > legend");
    if (legend) {
      legend.after(handle);
    } else {
      item.insertBefore(handle, item.firstElementChild);
    }
    handle.addEventListener("dragstart", function (event) {
      dragged = item;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.index);
    });
    item.addEventListener("dragover", function (event) {
      if (dragged && dragged !== item && dragged.dataset.dragKind === item.dataset.dragKind) {
        event.preventDefault();
        item.classList.add("drag-over");
      }
    });
    item.addEventListener("dragleave", function () {
      item.classList.remove("drag-over");
    });
    item.addEventListener("drop", function (event) {
      event.preventDefault();
      item.classList.remove("drag-over");
      if (!dragged || dragged === item || dragged.dataset.dragKind !== item.dataset.dragKind) {
        return;
      }
      var action = document.createElement("input");
      action.type = "hidden";
      action.name = "action";
      action.value = "move-" + item.dataset.dragKind + "-" + dragged.dataset.index + "-to-" +
        item.dataset.index;
      form.appendChild(action);
      form.submit();
    });
  });
})();
