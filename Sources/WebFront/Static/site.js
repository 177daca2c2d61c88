// A little plain JavaScript where it makes the pages better; every page works without it.
document.addEventListener("DOMContentLoaded", () => {
  // The designation form: a chosen CSV file is read into the list, which can then be checked before sending.
  for (const input of document.querySelectorAll("input[type=file][data-csv-target]")) {
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      const target = document.getElementById(input.dataset.csvTarget);
      if (!file || !target) return;
      file.text().then((text) => { target.value = text; target.focus(); });
    });
  }
  // The attestation's print button.
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
