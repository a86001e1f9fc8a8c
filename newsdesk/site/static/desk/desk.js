// The operator's desk: a list cell cut short by the stylesheet shows its whole text as a tooltip.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const cell of document.querySelectorAll("#result_list td, #result_list th")) {
    if (cell.scrollWidth > cell.clientWidth && !cell.title && !cell.querySelector("[title]")) {
      cell.title = cell.textContent.trim();
    }
  }
});
