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
