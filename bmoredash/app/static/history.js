// The browser's Back and Forward buttons inside the dashboard: each page change is a
// history entry (pushState, sent by the kernel); going back or forward hands the entry's
// query to the kernel through the hidden .bmd-history input, which applies it as a link.
// Installed once per browser tab, whatever number of times the kernel sends it.
(function () {
  if (window.bmdHistoryInstalled) { return; }
  window.bmdHistoryInstalled = true;
  var sent = 0;
  window.addEventListener('popstate', function () {
    var input = document.querySelector('.bmd-history input');
    if (!input) { return; }
    sent += 1;
    // The counter makes every return a change, even to a query seen before.
    input.value = location.search + '#' + sent;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
})();
