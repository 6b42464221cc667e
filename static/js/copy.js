// Copy buttons: <button data-copy="ID"> copies the value of the input with that id.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var input = document.getElementById(button.dataset.copy);
  if (!input) return;
  input.select();
  var done = function () {
    button.textContent = "✓";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done);
  } else if (document.execCommand("copy")) {
    done();
  }
});
