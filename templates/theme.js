// Applies the saved theme before the first paint (no flash). localStorage may be unavailable
// (privacy settings, some file:// contexts): then the page follows the system preference.
(function () {
  try {
    var t = window.localStorage.getItem('llm-report:theme');
    if (t === 'light' || t === 'dark') document.documentElement.setAttribute('data-theme', t);
  } catch (e) { /* no storage: system preference */ }
})();
