// Small behaviours layered on htmx, kept out of the markup: the Content-Security-Policy allows no inline
// script and no eval (so no hx-on attributes).
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target;
  if (!form || form.id !== "upload-form" || !event.detail.lengthComputable) return;
  var bar = form.querySelector("progress");
  if (bar) bar.value = Math.round(event.detail.loaded / event.detail.total * 100);
});

// The result of a save (a notice or the list of errors, marked data-focus) is where the user looks next:
// focus it, which also scrolls it into view, after htmx swaps it in and when a page arrives with one.
function focusResult(root) {
  if (!root || !root.querySelector) return;
  var el = root.hasAttribute && root.hasAttribute("data-focus") ? root : root.querySelector("[data-focus]");
  if (el && typeof el.focus === "function") {
    el.focus();
    if (el.scrollIntoView) el.scrollIntoView({ block: "center" });
  }
}
document.addEventListener("htmx:afterSettle", function (event) {
  // Only after a form was sent, and only inside what it swapped in: the 全称 proposal refreshed while typing,
  // or a notice elsewhere on the page, must not move the focus.
  var config = event.detail && event.detail.requestConfig;
  if (config && config.verb === "post") focusResult(event.target);
});
document.addEventListener("DOMContentLoaded", function () {
  focusResult(document.body);
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
