// Small behaviours layered on htmx, kept out of the markup: the Content-Security-Policy allows no inline
// script and no eval (so no hx-on attributes).
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target;
  if (!form || form.id !== "upload-form" || !event.detail.lengthComputable) return;
  var bar = form.querySelector("progress");
  if (bar) bar.value = Math.round(event.detail.loaded / event.detail.total * 100);
});
