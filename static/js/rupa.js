// Small enhancements; every page works without them.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  document.querySelectorAll("input[data-copy]").forEach(function (input) {
    if (!navigator.clipboard) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = input.dataset.copy;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = input.dataset.copied;
      });
    });
    input.insertAdjacentElement("afterend", button);
  });

  // Typing in paper forms: one digit per item, so a typed digit moves on to the next field (as Tab would).
  var entryFields = Array.prototype.slice.call(document.querySelectorAll(".paper-entry input, .paper-entry textarea"));
  entryFields.forEach(function (field, index) {
    if (!field.classList.contains("code-input")) { return; }
    field.addEventListener("input", function () {
      var next = entryFields[index + 1];
      if (field.value.length === 1 && next) { next.focus(); if (next.select) { next.select(); } }
    });
  });

  // Free text: how many characters are left, as the server counts them (line breaks as one, spaces at
  // the ends not at all); past the limit the text stays and the page says how much to cut.
  var format = window.Intl ? new Intl.NumberFormat(document.documentElement.lang) : null;
  document.querySelectorAll("[data-limit]").forEach(function (note) {
    var field = document.getElementById(note.id.replace(/^limit-/, "f-"));
    if (!field) { return; }
    var limit = parseInt(note.dataset.limit, 10);
    var show = function () {
      var used = Array.from(field.value.replace(/\r\n/g, "\n").trim()).length;
      var left = limit - used;
      var count = format ? format.format(Math.abs(left)) : String(Math.abs(left));
      note.textContent = (left >= 0 ? note.dataset.left : note.dataset.over).replace("%(count)s", count);
      note.classList.toggle("char-limit-over", left < 0);
    };
    field.addEventListener("input", show);
    show();
  });

  // Questionnaire pages save each answer as it is given, through the page's own save (so that a page
  // drawn before a save made elsewhere changes only what it changed: the reply is what the page now
  // stands for). Leaving with answers not yet saved asks first. Without JavaScript the buttons save.
  var form = document.querySelector("form[data-autosave]");
  if (form && window.fetch && window.FormData) {
    var status = document.getElementById("autosave-status");
    var base = form.querySelector('input[name="_base"]');
    var edits = 0, savedEdits = 0, timer = null, inFlight = false, leaving = false;
    var say = function (key) { status.hidden = false; status.textContent = status.dataset[key]; };
    var save = function () {
      timer = null;
      if (inFlight) { timer = window.setTimeout(save, 500); return; }
      var sending = edits;
      var data = new FormData(form);
      data.delete("_once");  // each save is a new one: only the page's own buttons are sent once
      data.set("action", "autosave");
      inFlight = true;
      say("saving");
      fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin",
                          headers: {"Accept": "application/json"}}).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok && body.saved) {
            base.value = body.base;
            var counter = document.querySelector("[data-answered]");
            var bar = document.querySelector("progress");
            if (counter && bar && typeof body.answered === "number") {
              counter.textContent = body.answered;
              bar.value = body.answered;
            }
            savedEdits = Math.max(savedEdits, sending);
            say(savedEdits === edits ? "saved" : "saving");
          } else {
            var invalid = response.status === 400 && body.saved === false;
            say(invalid ? "invalid" : "failed");
            if (!invalid) { retry(); }
          }
        });
      }).catch(function () { say("failed"); retry(); }).then(function () { inFlight = false; });
    };
    var retry = function () {  // a connection that comes back: try again in a while, or when online
      if (!timer) { timer = window.setTimeout(save, 15000); }
    };
    window.addEventListener("online", function () { if (savedEdits < edits) { save(); } });
    var edited = function (delay) {
      edits += 1;
      window.clearTimeout(timer);
      timer = window.setTimeout(save, delay);
    };
    form.addEventListener("change", function (event) {
      if (event.target.type === "radio" || event.target.type === "checkbox") { edited(400); }
    });
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA" || event.target.type === "text") { edited(2000); }
    });
    form.addEventListener("submit", function () {  // the page's own save takes over from here
      leaving = true;
      window.clearTimeout(timer);
      timer = null;
    });
    window.addEventListener("beforeunload", function (event) {
      if (!leaving && savedEdits < edits) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Live progress on the facilitator's dashboard: poll a small JSON endpoint; without JavaScript a
  // reload shows the same numbers.
  var table = document.querySelector("[data-progress-url]");
  if (table && window.fetch) {
    var note = document.querySelector("[data-live-note]");
    if (note) { note.hidden = true; }
    var update = function () {
      fetch(table.dataset.progressUrl, {credentials: "same-origin"}).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (!data) { return; }
        var rows = data.groups.concat([Object.assign({group: "total"}, data.totals)]);
        var known = rows.every(function (row) { return table.querySelector('[data-group="' + row.group + '"]'); });
        if (!known) { window.location.reload(); return; }  // a new group joined: redraw the table
        rows.forEach(function (row) {
          var tr = table.querySelector('[data-group="' + row.group + '"]');
          ["joined", "in_progress", "submitted"].forEach(function (key) {
            var cell = tr.querySelector('[data-key="' + key + '"]');
            if (cell.textContent !== String(row[key])) { cell.textContent = row[key]; }
          });
        });
      }).catch(function () {});
    };
    window.setInterval(update, 5000);
  }

  // The projector follows late answers and steps taken from another device by reloading itself when
  // what it shows has changed; without JavaScript the facilitator reloads.
  var projector = document.body.dataset.projectorState;
  if (projector && window.fetch) {
    window.setInterval(function () {
      fetch(projector, {credentials: "same-origin"}).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (state) {
        var shown = document.body.dataset;
        if (state && (state.step !== shown.step || String(state.submitted) !== shown.submitted ||
            String(state.joined) !== shown.joined || String(state.consensus) !== shown.consensus ||
            state.vote !== shown.vote)) {
          window.location.reload();
          return;
        }
        // Votes arriving only change their count, in place (a reload per vote would flicker).
        var count = document.querySelector("[data-vote-count]");
        if (state && count && count.textContent !== String(state.votes)) {
          count.textContent = String(state.votes);
        }
      }).catch(function () {});
    }, 2000);
  }

  // Presenter clickers send PageDown/PageUp or the arrow keys: they step the projector too.
  if (projector) {
    document.addEventListener("keydown", function (event) {
      var forms = document.querySelectorAll(".projector-nav form");
      var index = {ArrowRight: 1, PageDown: 1, ArrowLeft: 0, PageUp: 0}[event.key];
      if (index === undefined || !forms[index] || forms[index].querySelector("button[disabled]")) { return; }
      event.preventDefault();
      forms[index].submit();
    });
  }

  // A PDF rendered by a worker: ask the same URL for JSON every two seconds and start the download
  // when it is ready; without JavaScript the "Check again" link does the same.
  var poll = document.querySelector("[data-pdf-poll]");
  if (poll && window.fetch) {
    var status = poll.querySelector("[data-pdf-status]");
    var timer = window.setInterval(function () {
      fetch(poll.dataset.pdfPoll, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.state === "ready") {
            window.clearInterval(timer);
            status.textContent = poll.dataset.readyText;
            window.location.href = poll.dataset.pdfPoll;
          } else if (data.state === "failed") {
            window.clearInterval(timer);
            status.textContent = poll.dataset.failedText;
          }
        }).catch(function () {});
    }, 2000);
  }

  // A second click on a once-only button would only repeat the request; the server ignores it anyway.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-once]");
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();
