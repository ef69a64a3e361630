// Live parts of console pages: every element with data-live is re-read from the server every few seconds
// and replaced when it changed (device status, QR code rotation, message status, webhook deliveries).
(function () {
  var live = document.querySelectorAll('[data-live]');
  if (!live.length) { return; }
  var every = parseInt(document.body.getAttribute('data-refresh'), 10) || 2000;
  function refresh() {
    fetch(location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        document.querySelectorAll('[data-live]').forEach(function (el) {
          var next = fresh.getElementById(el.id);
          if (next && next.innerHTML !== el.innerHTML) { el.innerHTML = next.innerHTML; }
        });
      })
      .catch(function () { /* the next round tries again */ })
      .finally(function () { setTimeout(refresh, every); });
  }
  setTimeout(refresh, every);
})();

// Uploads with a progress bar: the files form goes through XMLHttpRequest, whose upload reports progress, and the
// page's main part is swapped for the answer. Without JavaScript (or XMLHttpRequest) the plain form posts as usual.
(function () {
  if (!window.XMLHttpRequest || !window.FormData) { return; }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form.id !== 'upload') { return; }
    event.preventDefault();
    var progress = document.getElementById('upload-progress');
    var status = document.getElementById('upload-status');
    var data = new FormData(form);
    var file = form.querySelector('input[type=file]').files[0];
    var xhr = new XMLHttpRequest();
    progress.hidden = false;
    progress.value = 0;
    status.textContent = 'Uploading…';
    xhr.upload.addEventListener('progress', function (e) {
      if (e.lengthComputable) {
        progress.value = Math.round(e.loaded * 100 / e.total);
        status.textContent = 'Uploading… ' + progress.value + '%';
      }
    });
    xhr.addEventListener('load', function () {
      if (xhr.status !== 200) {
        status.textContent = 'The upload failed (HTTP ' + xhr.status + '): reload the page and try again.';
        return;
      }
      // The server answered with the files page (after its redirect): show it, with the error it names if any.
      var fresh = new DOMParser().parseFromString(xhr.responseText, 'text/html');
      document.getElementById('main').innerHTML = fresh.getElementById('main').innerHTML;
      if (xhr.responseURL && xhr.responseURL !== location.href) { history.replaceState(null, '', xhr.responseURL); }
      if (!document.getElementById('file-error')) {
        var done = document.getElementById('upload-progress');
        done.hidden = false;
        done.value = 100;
        document.getElementById('upload-status').textContent = 'Uploaded ' + (file ? file.name : 'the file') + '.';
      }
    });
    xhr.addEventListener('error', function () {
      status.textContent = 'The upload did not reach Parley: check the connection and try again.';
    });
    xhr.open('POST', form.action);
    xhr.send(data);
  });
})();
