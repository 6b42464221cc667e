// The draft's upload: several files at once, dropped or chosen, sent with a progress bar.
// Without this script the same form is sent as a plain multipart form.
(function () {
  "use strict";

  function uploadForm(element) {
    return element && element.closest ? element.closest("form.draft-upload") : null;
  }

  function namesOf(files) {
    return Array.prototype.map.call(files, function (file) { return file.name; });
  }

  // A file of a name the draft has already replaces it only when the person says so.
  function confirmReplacing(form) {
    var replace = form.querySelector("input[name=replace]");
    var draft = (form.dataset.draftNames || "").split("/").filter(Boolean);
    var input = form.querySelector("input[type=file]");
    var clashes = namesOf(input.files).filter(function (name) { return draft.indexOf(name) >= 0; });
    if (!clashes.length || replace.checked) {
      return true;
    }
    var question = form.dataset.replaceQuestion.replace("{names}", clashes.join(", "));
    if (!window.confirm(question)) {
      return false;
    }
    replace.checked = true;
    return true;
  }

  // The form can be sent again (static/js/forms.js sends a form once).
  function release(form) {
    delete form.dataset.sent;
    var busy = form.querySelectorAll("[aria-busy]");
    for (var i = 0; i < busy.length; i++) {
      busy[i].removeAttribute("aria-busy");
    }
  }

  function showFailure(form) {
    release(form);
    var note = document.createElement("p");
    note.className = "field-error";
    note.setAttribute("role", "alert");
    note.textContent = form.dataset.failed;
    form.appendChild(note);
  }

  function send(form) {
    var progress = form.querySelector(".upload-progress");
    var button = form.querySelector("button[type=submit]");
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        progress.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    request.addEventListener("load", function () {
      var section = document.getElementById("submission");
      if ((request.status === 200 || request.status === 400) && section) {
        var holder = document.createElement("div");
        holder.innerHTML = request.responseText;
        var fresh = holder.querySelector("#submission");
        if (fresh) {
          section.replaceWith(fresh);
          var focus = fresh.querySelector("[aria-invalid=true], [role=status]");
          if (focus) {
            focus.setAttribute("tabindex", "-1");
            focus.focus();
          }
          return;
        }
      }
      progress.hidden = true;
      button.disabled = false;
      showFailure(form);
    });
    request.addEventListener("error", function () {
      progress.hidden = true;
      button.disabled = false;
      showFailure(form);
    });
    form.dataset.sent = "1";
    progress.value = 0;
    progress.hidden = false;
    button.disabled = true;
    request.send(new FormData(form));
  }

  document.addEventListener("submit", function (event) {
    var form = uploadForm(event.target);
    // Prevented already: the form is on its way (static/js/forms.js).
    if (!form || event.defaultPrevented || !window.FormData) {
      return;
    }
    event.preventDefault();
    if (confirmReplacing(form)) {
      send(form);
    } else {
      release(form);
    }
  });

  document.addEventListener("dragover", function (event) {
    var form = uploadForm(event.target);
    if (form) {
      event.preventDefault();
      form.classList.add("dragging");
    }
  });

  document.addEventListener("dragleave", function (event) {
    var form = uploadForm(event.target);
    if (form) {
      form.classList.remove("dragging");
    }
  });

  document.addEventListener("drop", function (event) {
    var form = uploadForm(event.target);
    if (!form || !event.dataTransfer || !event.dataTransfer.files.length) {
      return;
    }
    event.preventDefault();
    if (form.dataset.sent) {
      return;
    }
    form.classList.remove("dragging");
    form.querySelector("input[type=file]").files = event.dataTransfer.files;
    if (confirmReplacing(form)) {
      send(form);
    }
  });
})();
