// parlq: what JavaScript adds to the search page. Nothing depends on it:
// every control is a plain GET form field or link, and the "Apply" buttons
// do the rest. With it, ticking or unticking a facet applies it at once,
// and after the page reloads the focus is back on the same box, so that a
// keyboard or screen-reader user keeps their place.
(function () {
  'use strict';
  var form = document.getElementById('search');
  if (!form) {
    return;
  }
  var key = 'parlq-facet-focus';
  var help = document.getElementById('auto-help');
  if (help) {
    help.hidden = false; // "Ticking a box applies it at once."
  }
  form.addEventListener('change', function (e) {
    var box = e.target;
    if (!box || box.type !== 'checkbox' || !box.closest('fieldset.facet')) {
      return;
    }
    try {
      sessionStorage.setItem(key, JSON.stringify({ name: box.name, value: box.value }));
    } catch (err) { /* storage refused: the focus simply starts at the top */ }
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });
  var saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(key) || 'null');
    sessionStorage.removeItem(key);
  } catch (err) {
    saved = null;
  }
  if (!saved) {
    return;
  }
  var boxes = form.querySelectorAll('fieldset.facet input[type="checkbox"]');
  for (var i = 0; i < boxes.length; i++) {
    var b = boxes[i];
    if (b.name === saved.name && b.value === saved.value) {
      var more = b.closest('details');
      if (more) {
        more.open = true;
      }
      b.focus();
      break;
    }
  }
}());
