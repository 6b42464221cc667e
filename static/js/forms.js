// A form is sent once: a second click on its button while the page is still loading the
// answer (a double click, an impatient one) sends nothing more. The button shows it is busy.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].setAttribute("aria-busy", "true");
  }
});

// Back to a page kept by the browser: its forms can be sent again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  var forms = document.querySelectorAll("form[data-sent]");
  for (var i = 0; i < forms.length; i++) {
    delete forms[i].dataset.sent;
    var busy = forms[i].querySelectorAll("[aria-busy]");
    for (var j = 0; j < busy.length; j++) busy[j].removeAttribute("aria-busy");
  }
});

// After a form was sent, focus goes to what answers it: the summary of what was refused, or
// else the message that says what was done (or a part of the page marked data-answer), so
// that a screen reader reads it first and the keyboard goes on from there. At "load": a
// page opened at a #fragment has been scrolled there by then, which would take the focus away.
window.addEventListener("load", function () {
  var answer =
    document.querySelector("main .form-errors") ||
    document.querySelector("main .message, main [data-answer]");
  if (!answer) return;
  answer.setAttribute("tabindex", "-1");
  answer.focus();
});
