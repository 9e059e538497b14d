// Rows added and removed in place: barriers and action steps on the plan form, agenda items
// on the meeting form. Without JavaScript the form has a few blank rows, "Remove" is a box to
// tick, and saving brings new blank rows (the server's behaviour, unchanged).
//
// Markup: a list <div data-rows="focus_areas-0-steps" data-template="step-row"> of
// <div data-row> rows whose fields are named "<list>-<i>-<field>" (WTForms FieldList), with a
// <button data-remove-row> each; <button data-add-row="<list>"> beside it; and a
// <template id="step-row"> holding one blank row named "__list__-__index__-<field>". Every
// change renumbers the list's rows 0, 1, 2 ... (names, ids, label targets, the numbers shown
// in <span data-n>), so the server reads the rows in the order they are shown.
(function () {
  "use strict";
  var status = document.getElementById("rows-status");
  var ATTRIBUTES = ["name", "id", "for", "aria-describedby"];

  function escaped(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function rowsOf(list) {
    return Array.prototype.filter.call(list.children, function (el) {
      return el.hasAttribute("data-row");
    });
  }

  function renumber(list) {
    var name = list.dataset.rows;
    var pattern = new RegExp("(^|\\s)" + escaped(name) + "-(\\d+|__index__)-", "g");
    var placeholder = /(^|\s)__list__-__index__-/g;
    rowsOf(list).forEach(function (row, i) {
      var replacement = "$1" + name + "-" + i + "-";
      [row].concat(Array.prototype.slice.call(row.querySelectorAll("*"))).forEach(function (el) {
        ATTRIBUTES.forEach(function (attribute) {
          var value = el.getAttribute(attribute);
          if (value) {
            el.setAttribute(attribute, value.replace(placeholder, replacement)
              .replace(pattern, replacement));
          }
        });
      });
      row.querySelectorAll("[data-n]").forEach(function (span) {
        span.textContent = String(i + 1);
      });
    });
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function listNamed(name) {
    return document.querySelector("[data-rows='" + name + "']");
  }

  function add(list) {
    var template = document.getElementById(list.dataset.template);
    if (!template) {
      return;
    }
    var row = template.content.firstElementChild.cloneNode(true);
    list.appendChild(row);
    renumber(list);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
    say("Row " + rowsOf(list).length + " added.");
  }

  function remove(row) {
    var list = row.parentElement;
    var rows = rowsOf(list);
    var index = rows.indexOf(row);
    row.remove();
    renumber(list);
    var left = rowsOf(list);
    var next = left[Math.min(index, left.length - 1)];
    var focus = next ? next.querySelector("input:not([type=hidden]), select, textarea")
      : document.querySelector("[data-add-row='" + list.dataset.rows + "']");
    if (focus) {
      focus.focus();
    }
    say("Row " + (index + 1) + " removed; " + left.length + " left. Save to keep this.");
  }

  document.addEventListener("click", function (event) {
    var adder = event.target.closest("[data-add-row]");
    if (adder) {
      var list = listNamed(adder.dataset.addRow);
      if (list) {
        event.preventDefault();
        add(list);
      }
      return;
    }
    var remover = event.target.closest("[data-remove-row]");
    if (remover && remover.closest("[data-rows]")) {
      event.preventDefault();
      remove(remover.closest("[data-row]"));
    }
  });
})();
