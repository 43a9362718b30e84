/* The dashboard's accessibility attributes that ipywidgets cannot set on its elements.

   Why a script: a widget takes CSS classes (add_class) but no role, aria-* or id. The
   Python side marks elements with classes; this script, run once per page by the
   ``bmoredash.app.a11y`` widget, gives each marked element its role and state, and keeps
   them up to date as widgets are drawn and redrawn (a MutationObserver):

   - .bmd-main          the page on screen: role="main", the skip link's target;
   - .bmd-nav           the page buttons: role="navigation", named; the current page's
                        button (ipywidgets' mod-primary) gets aria-current="page";
   - .bmd-page-menu     the phone's page menu: the same navigation landmark;
   - .bmd-disclosure    a button that opens a box (Filters…, Share): aria-expanded;
   - .widget-toggle-button  aria-pressed from ipywidgets' mod-active, except a button
                        whose label says what it does next (.bmd-swap, "Show table");
   - .bmd-chart         a chart panel: its figure gets role="img" and, as its name, the
                        panel's heading and its hidden .bmd-chart-name (the key figure);
   - .bmd-live          a polite live region (role="status") read after a filter change;
   - a button's icon (i.fa): aria-hidden, so that its glyph is not part of its name;
   - .bmd-banner        the app's title and introduction: role="banner"; .bmd-filters, .bmd-tools, .bmd-phone-bar:
                        named regions (every part of the page in a landmark).

   Words come from the page (the skip link's data-* attributes, rendered from a template),
   never from this file. */
(function () {
  "use strict";
  if (window.bmdAccessibility) {
    window.bmdAccessibility();
    return;
  }

  function set(element, name, value) {
    if (element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  }

  function unset(element, name) {
    if (element.hasAttribute(name)) {
      element.removeAttribute(name);
    }
  }

  function each(selector, callback) {
    document.querySelectorAll(selector).forEach(callback);
  }

  // Boxes above the page that are landmarks too (named from the skip link's data-*), so
  // that every part of the page belongs to one: the filters, the link and download, and
  // the phone's bar of folded filters and page menu.
  var REGIONS = [
    [".bmd-filters", "data-filters-label"],
    [".bmd-tools", "data-tools-label"],
    [".bmd-phone-bar", "data-phone-label"],
  ];

  function apply() {
    var skip = document.querySelector(".bmd-skip");
    var navLabel = skip ? skip.getAttribute("data-nav-label") : "";
    // The app's title and introduction head the page (a <header> inside widget boxes).
    each(".bmd-banner", function (banner) {
      set(banner, "role", "banner");
    });
    REGIONS.forEach(function (region) {
      var label = skip ? skip.getAttribute(region[1]) : "";
      each(region[0], function (box) {
        if (label) {
          set(box, "role", "region");
          set(box, "aria-label", label);
        }
      });
    });
    each(".bmd-main", function (main) {
      set(main, "role", "main");
      set(main, "id", "bmd-main");
      set(main, "tabindex", "-1");
    });
    each(".bmd-nav", function (nav) {
      set(nav, "role", "navigation");
      if (navLabel) {
        set(nav, "aria-label", navLabel);
      }
    });
    // On a phone the pages are a menu (the buttons are hidden): the same landmark.
    each(".bmd-page-menu", function (menu) {
      set(menu, "role", "navigation");
      if (navLabel) {
        set(menu, "aria-label", navLabel);
      }
    });
    each(".bmd-nav button", function (button) {
      if (button.classList.contains("mod-primary")) {
        set(button, "aria-current", "page");
      } else {
        unset(button, "aria-current");
      }
    });
    each(".widget-toggle-button", function (button) {
      var on = button.classList.contains("mod-active") ? "true" : "false";
      if (button.classList.contains("bmd-disclosure")) {
        // Filters… and Share open a box: they say whether it is open, not "pressed".
        unset(button, "aria-pressed");
        set(button, "aria-expanded", on);
      } else if (button.closest(".bmd-swap")) {
        unset(button, "aria-pressed");
      } else {
        set(button, "aria-pressed", button.classList.contains("mod-active") ? "true" : "false");
      }
    });
    each(".bmd-chart", function (panel) {
      var figure = panel.querySelector(".bqplot");
      var heading = panel.querySelector("h1, h2, h3, h4");
      var key = panel.querySelector(".bmd-chart-name");
      var parts = [heading, key].map(function (element) {
        return element ? element.textContent.trim() : "";
      });
      var name = parts.filter(Boolean).join(", ");
      if (figure && name) {
        set(figure, "role", "img");
        set(figure, "aria-label", name);
      }
    });
    // An icon's glyph is drawn text: left out, a button is named by its words alone.
    each(".bmd-app .jupyter-button i.fa", function (icon) {
      set(icon, "aria-hidden", "true");
    });
    each(".bmd-live", function (region) {
      set(region, "role", "status");
      set(region, "aria-live", "polite");
      set(region, "aria-atomic", "true");
    });
  }

  var pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        apply();
      });
    }
  }

  // The skip link moves the focus to the page without putting #bmd-main in the address
  // (the link box copies the address bar).
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.bmd-skip") : null;
    var main = document.getElementById("bmd-main");
    if (link && main) {
      event.preventDefault();
      main.focus();
      main.scrollIntoView();
    }
  });

  new MutationObserver(schedule).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["class"],
  });
  window.bmdAccessibility = apply;
  apply();
})();
