// Runs first, in <head>: the page is enhanced by JavaScript, so the CSS for pages without it
// (the menu always unfolded, plc.css ".no-js") no longer applies.
document.documentElement.classList.remove("no-js");
