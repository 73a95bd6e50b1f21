// Progressive enhancement: classify with fetch, without reloading. The form works without this file.
const form = document.getElementById("classify");
const results = document.getElementById("results");
const errorBox = document.getElementById("error");

function escapeHtml(text) {
  const div = document.createElement("div");
  div.textContent = text;
  return div.innerHTML;
}

const SHOWN_FAMILIES = 2; // families shown beside the predicted ones, as on the server-rendered page

function render(families, genres, notes) {
  const shown = families.filter((f) => f.predicted).concat(families.filter((f) => !f.predicted).slice(0, SHOWN_FAMILIES));
  const chips = shown.map((f) =>
    `<li class="${f.predicted ? "predicted" : ""}">${escapeHtml(f.family)} <span class="score">${f.score.toFixed(2)}</span></li>`);
  const rows = genres.map((g) =>
    `<li class="${g.predicted ? "predicted" : ""}"><span class="name">${escapeHtml(g.genre)}</span>` +
    `<span class="bar"><span style="width:${(g.score * 100).toFixed(1)}%"></span></span>` +
    `<span class="score">${g.score.toFixed(2)}</span>${g.predicted ? "<em>predicted</em>" : ""}</li>`);
  const remarks = notes.map((note) => `<li>${escapeHtml(note)}</li>`).join("");
  results.innerHTML = (remarks ? `<ul class="notes">${remarks}</ul>` : "") +
    (chips.length ? `<h2>Families</h2><ul class="families" aria-label="families">${chips.join("")}</ul>` : "") +
    `<h2>Genres</h2><ol class="genres">${rows.join("")}</ol>`;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const body = { lyrics: data.get("lyrics") };
  if (data.get("top_k")) body.top_k = Number(data.get("top_k"));
  if (data.get("threshold")) body.threshold = Number(data.get("threshold"));
  const button = form.querySelector("button");
  button.disabled = true;
  errorBox.innerHTML = "";
  try {
    const response = await fetch("/api/v1/classify", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || `request failed (${response.status})`);
    render(answer.families, answer.genres, answer.notes);
  } catch (error) {
    errorBox.innerHTML = `<p class="error" role="alert">${escapeHtml(error.message)}</p>`;
  } finally {
    button.disabled = false;
  }
});
