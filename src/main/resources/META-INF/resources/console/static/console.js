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
