// A job's page: ask the job's status every second and move the progress bar; reload once it has finished,
// so the result or the problems appear. Without JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section || section.dataset.finished === "true") { return; }
  var bar = section.querySelector("[data-job-bar]");
  var count = section.querySelector("[data-job-count]");
  var state = section.querySelector("[data-job-state]");
  var message = section.querySelector("[data-job-message]");

  function show(status) {
    state.textContent = status.state_label;
    state.className = "job-state job-state-" + status.state;
    message.textContent = status.message;
    if (status.total) {
      bar.max = status.total;
      bar.value = status.done;
      count.textContent = section.dataset.countText.replace("{done}", status.done).replace("{total}", status.total) +
        (status.percent === null ? "" : " (" + status.percent + " %)");
    }
  }

  function poll() {
    fetch(section.dataset.status, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { window.setTimeout(poll, 2000); return; }
        show(status);
        if (status.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1000);
}());
