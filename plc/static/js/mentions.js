// @mention suggestions in comment boxes. Typing "@" and a few letters offers the people of
// the page's "People you can mention" list (who may read the plan: the server decides), by
// handle or name; arrow keys move, Enter or Tab takes one, Escape closes. Without JavaScript
// the list is there to read and mentions work as typed.
(function () {
  "use strict";
  var source = document.getElementById("mention-list");
  if (!source) {
    return;
  }
  var people = Array.prototype.map.call(source.querySelectorAll("li[data-handle]"),
    function (li) {
      return {handle: li.dataset.handle, name: li.dataset.name};
    });
  // The "@word" just before the caret; not after a letter, dot, slash or @ (an address).
  var TOKEN = /(^|[^\w.@/])@([\w.+-]*)$/;
  var MAX = 8;
  var counter = 0;

  function matches(query) {
    var q = query.toLowerCase();
    return people.filter(function (p) {
      return p.handle.indexOf(q) === 0 || p.name.toLowerCase().split(/\s+/).some(
        function (word) { return word.indexOf(q) === 0; });
    }).slice(0, MAX);
  }

  function enhance(box) {
    counter += 1;
    var list = document.createElement("ul");
    list.id = "mention-suggestions-" + counter;
    list.className = "mention-suggestions list-unstyled";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People you can mention");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", list.id);  // (a textarea may not be a combobox)
    var shown = [];
    var active = -1;

    function close() {
      list.hidden = true;
      shown = [];
      active = -1;
      box.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        box.setAttribute("aria-activedescendant", list.children[index].id);
      }
    }

    function take(person) {
      var before = box.value.slice(0, box.selectionStart);
      var after = box.value.slice(box.selectionStart);
      var found = TOKEN.exec(before);
      if (!found) {
        return close();
      }
      var start = before.length - found[2].length - 1;
      var inserted = "@" + person.handle + " ";
      box.value = before.slice(0, start) + inserted + after;
      var caret = start + inserted.length;
      box.setSelectionRange(caret, caret);
      close();
      box.focus();
    }

    function show(found) {
      shown = found;
      list.textContent = "";
      found.forEach(function (person, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = person.name + " (@" + person.handle + ")";
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the box
          take(person);
        });
        list.appendChild(li);
      });
      list.hidden = found.length === 0;
      status.textContent = found.length
        ? found.length + (found.length === 1 ? " person" : " people") + " to mention"
        : "";
      highlight(found.length ? 0 : -1);
    }

    box.addEventListener("input", function () {
      var found = TOKEN.exec(box.value.slice(0, box.selectionStart));
      if (found) {
        show(matches(found[2]));
      } else {
        close();
      }
    });
    box.addEventListener("keydown", function (event) {
      if (list.hidden || !shown.length) {
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + shown.length) % shown.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        take(shown[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    box.addEventListener("blur", close);
  }

  document.querySelectorAll("textarea[name=body]").forEach(enhance);
})();
