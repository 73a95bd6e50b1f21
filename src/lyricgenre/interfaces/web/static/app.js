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
const SHOWN_CHARACTERS = 200; // an explaining line's text as the API gives it (lyricgenre.runtime.prediction)
// A line of more words is explained by its parts, split as lyricgenre.runtime.explain.passages splits it.
const LONG_LINE_WORDS = 24;
const PART_WORDS = 12;

// A line as explanations name it: whole, or in parts of about PART_WORDS words when it is longer than
// LONG_LINE_WORDS (lyrics given without their line breaks).
function passages(line) {
  const words = line.trim().split(/\s+/);
  if (words.length <= LONG_LINE_WORDS) return [line];
  const count = Math.ceil(words.length / PART_WORDS);
  const bounds = Array.from({ length: count + 1 }, (_, k) => Math.floor((k * words.length) / count));
  return bounds.slice(1).map((end, k) => words.slice(bounds[k], end).join(" "));
}

function render(answer, lyrics) {
  const { families, genres, notes } = answer;
  const shown = families.filter((f) => f.predicted).concat(families.filter((f) => !f.predicted).slice(0, SHOWN_FAMILIES));
  const label = (kind, name) => `<button type="button" class="label" data-kind="${kind}" data-name="${escapeHtml(name)}" ` +
    `aria-pressed="false" title="show the lines behind it">${escapeHtml(name)}</button>`;
  const chips = shown.map((f) =>
    `<li class="${f.predicted ? "predicted" : ""}">${f.predicted ? label("families", f.family) : escapeHtml(f.family)} ` +
    `<span class="score">${f.score.toFixed(2)}</span></li>`);
  const rows = genres.map((g) =>
    `<li class="${g.predicted ? "predicted" : ""}"><span class="name">${g.predicted ? label("genres", g.genre) : escapeHtml(g.genre)}</span>` +
    `<span class="bar"><span style="width:${(g.score * 100).toFixed(1)}%"></span></span>` +
    `<span class="score">${g.score.toFixed(2)}</span>${g.predicted ? "<em>predicted</em>" : ""}</li>`);
  const remarks = notes.map((note) => `<li>${escapeHtml(note)}</li>`).join("");
  const lines = lyrics.split(/\r?\n/).flatMap((line, k) => (line.trim() ? passages(line) : []).map((text, part) =>
    `<li value="${k + 1}" data-line="${k + 1}"${part ? " data-continued" : ""}>` +
    `<span class="text">${escapeHtml(text)}</span><span class="effect"></span></li>`));
  results.innerHTML = (remarks ? `<ul class="notes">${remarks}</ul>` : "") +
    (chips.length ? `<h2>Families</h2><ul class="families" aria-label="families">${chips.join("")}</ul>` : "") +
    `<h2>Genres</h2><ol class="genres">${rows.join("")}</ol>` +
    (answer.explanations ? `<h2>Lines <small>(choose a family or genre to see the lines behind it)</small></h2>` +
      `<p class="no-lines" aria-live="polite"></p><ol class="lines" aria-live="polite">${lines.join("")}</ol>` : "");
  if (answer.explanations) {
    results.querySelectorAll("button.label").forEach((button) =>
      button.addEventListener("click", () => highlight(button, answer.explanations)));
  }
}

// The lines behind one label: marked by strength (weight and a bar, not colour alone) with their effect.
function highlight(button, explanations) {
  const pressed = button.getAttribute("aria-pressed") === "true";
  results.querySelectorAll("button.label").forEach((other) => other.setAttribute("aria-pressed", "false"));
  results.querySelectorAll(".lines li").forEach((line) => {
    line.className = "";
    line.querySelector(".effect").textContent = "";
  });
  const none = results.querySelector(".no-lines");
  none.textContent = "";
  if (pressed) return;
  button.setAttribute("aria-pressed", "true");
  const effects = explanations[button.dataset.kind][button.dataset.name] || [];
  if (!effects.length) {
    none.textContent = `No one line lowers “${button.dataset.name}”: it comes from the song as a whole.`;
  }
  const strongest = Math.max(...effects.map((e) => e.effect), 1e-9);
  effects.forEach((effect, rank) => {
    const text = effect.text;
    results.querySelectorAll(".lines li").forEach((line) => {
      if (line.querySelector(".text").textContent.trim().slice(0, SHOWN_CHARACTERS) !== text) return;
      line.className = `why strength-${Math.max(1, Math.round((3 * effect.effect) / strongest))}`;
      line.querySelector(".effect").textContent = ` #${rank + 1}: −${effect.effect.toFixed(3)} without it`;
    });
  });
  const first = results.querySelector(".lines li.why");
  if (first) first.scrollIntoView({ block: "nearest" });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const body = { lyrics: data.get("lyrics"), explain: true };
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
    render(answer, body.lyrics);
  } catch (error) {
    errorBox.innerHTML = `<p class="error" role="alert">${escapeHtml(error.message)}</p>`;
  } finally {
    button.disabled = false;
  }
});
