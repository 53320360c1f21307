// Polls a batch screening job's status and updates the page; without JavaScript
// the page refreshes itself (a <noscript> meta refresh) instead.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var status = document.getElementById("job-status");
  var bar = document.getElementById("job-progress");
  var rows = document.getElementById("job-rows");
  var done = document.getElementById("job-done");
  var summary = document.getElementById("job-summary");

  function show(job) {
    status.textContent = job.status;
    if (job.rows_total) {
      bar.max = job.rows_total;
      bar.value = job.rows_done;
      rows.textContent = job.rows_done + " of " + job.rows_total + " rows";
    } else {
      rows.textContent = job.rows_done + " rows";
    }
    if (job.status === "done") {
      bar.max = 1; bar.value = 1;
      var s = job.summary || {};
      summary.textContent = (s.rows || 0) + " rows screened, " + (s.hit_rows || 0) +
        " with a hit, " + (s.errors || 0) + " with an error.";
      done.hidden = false;
    }
    if (job.status === "failed") {
      var p = document.createElement("p");
      p.className = "error";
      p.setAttribute("role", "alert");
      p.textContent = job.error || "the job failed";
      box.appendChild(p);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        show(job);
        if (job.status === "queued" || job.status === "running") { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }

  var initial = box.getAttribute("data-status");
  if (initial === "queued" || initial === "running") { setTimeout(poll, 500); }
})();
