// Small behaviours layered on htmx, kept out of the markup: the Content-Security-Policy allows no inline
// script and no eval (so no hx-on attributes).
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target;
  if (!form || form.id !== "upload-form" || !event.detail.lengthComputable) return;
  var bar = form.querySelector("progress");
  if (bar) bar.value = Math.round(event.detail.loaded / event.detail.total * 100);
});

// Copy buttons of the registration codes (hidden without JavaScript, where the text is selected by hand).
function showCopyButtons(root) {
  var buttons = (root || document).querySelectorAll("button.copy[hidden]");
  for (var i = 0; i < buttons.length; i++) buttons[i].removeAttribute("hidden");
}
document.addEventListener("DOMContentLoaded", function () {
  showCopyButtons(document);
});
document.addEventListener("htmx:load", function (event) {
  showCopyButtons(event.target);
});
document.addEventListener("click", function (event) {
  var button = event.target;
  if (!button || !button.getAttribute || button.className.indexOf("copy") < 0) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) return;
  var done = function () {
    button.textContent = "已复制";
  };
  var byHand = function () {
    field.focus();
    field.select();
    try {
      if (document.execCommand("copy")) return done();
    } catch (e) { /* old browsers: the text stays selected for Ctrl+C */ }
    button.textContent = "已选中，请按 Ctrl+C 复制";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, byHand);
  } else {
    byHand();
  }
});
