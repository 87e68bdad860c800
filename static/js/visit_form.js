// 指导登记表: add problem rows to the Django formset without a page load.
(function () {
  var form = document.getElementById("visit-form");
  if (!form) return;
  var addButton = form.querySelector("[data-add-problem]");
  var list = document.getElementById("problem-list");
  var template = document.getElementById("problem-template");
  var total = form.querySelector("input[name='problems-TOTAL_FORMS']");
  var empty = form.querySelector("[data-problem-empty]");
  if (!addButton || !list || !template || !total) return;
  addButton.addEventListener("click", function () {
    var index = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    if (empty) empty.hidden = true;
    var first = list.lastElementChild.querySelector("select");
    if (first) first.focus();
  });
})();
