/* editions serve: drag-and-drop ordering, focus after htmx swaps, build progress (server-sent events).
   Everything here is an enhancement: every action also works as a plain form without JavaScript. */
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]').content;

  /* --- ordering by drag and drop: the new order is posted as JSON, then the page reloads --- */
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("#article-list > li");
    if (!item) return;
    dragged = item;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.name);
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
  });
  document.addEventListener("dragover", function (event) {
    var item = event.target.closest && event.target.closest("#article-list > li");
    if (!dragged || !item) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  });
  document.addEventListener("drop", function (event) {
    var item = event.target.closest && event.target.closest("#article-list > li");
    if (!dragged || !item) return;
    event.preventDefault();
    if (item !== dragged) {
      var box = item.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      item.parentNode.insertBefore(dragged, after ? item.nextSibling : item);
    }
    var names = Array.prototype.map.call(
      document.querySelectorAll("#article-list > li"), function (li) { return li.dataset.name; });
    fetch("/order", {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": token},
      body: JSON.stringify({names: names}),
      credentials: "same-origin"
    }).then(function () { window.location.reload(); });
  });

  /* --- keyboard ordering: after an Up/Down button swapped the list, keep the focus on that button --- */
  var last = null;
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#article-list button");
    if (button) last = {name: button.form.elements.name.value, action: button.value};
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!last) return;
    var item = document.getElementById("item-" + last.name);
    var button = item && item.querySelector('button[value="' + last.action + '"]');
    if (button && !button.disabled) button.focus();
    else if (item) { var other = item.querySelector("button:not([disabled])"); if (other) other.focus(); }
    last = null;
  });

  /* --- build: post the form, then follow the build's own progress reports --- */
  var form = document.getElementById("build-form");
  var box = document.getElementById("progress");
  function follow() {
    var bar = document.getElementById("build-progress");
    var status = document.getElementById("build-status");
    box.hidden = false;
    var source = new EventSource("/build/events");
    source.onmessage = function (event) {
      var data = JSON.parse(event.data);
      bar.value = data.fraction;
      if (data.message) status.textContent = data.message;
      if (data.done) { source.close(); window.location.reload(); }
    };
    source.onerror = function () { source.close(); window.setTimeout(function () { window.location.reload(); }, 1000); };
  }
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = document.getElementById("build-button");
      button.disabled = true;
      fetch("/build", {
        method: "POST",
        body: new FormData(form),
        headers: {"Accept": "application/json", "X-CSRF-Token": token},
        credentials: "same-origin"
      }).then(function (response) {
        if (response.status === 202) follow(); else window.location.reload();
      });
    });
    if (box && box.dataset.running === "yes") follow();
  }
})();
