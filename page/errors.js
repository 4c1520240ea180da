// API errors shown where the learner can act on them: the message in the slot next to the control
// its `path` names (problem.js maps paths to slots), the control or grid cell marked invalid.
import { cellAt } from "./grids.js";
import { cellForPath, errorSlotFor } from "./problem.js";

const byId = (id) => document.getElementById(id);

/** Hides every error slot and unmarks every control and cell marked invalid. */
export function clearErrors() {
  for (const slot of document.querySelectorAll(".field-error")) {
    slot.hidden = true;
    slot.textContent = "";
  }
  for (const node of document.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

/** The API's message, next to the control its `path` names. */
export function showError(error, state) {
  const slot = byId(errorSlotFor(error.path, state)) ?? byId("general-error");
  slot.textContent = error.message;
  slot.dataset.code = error.code;
  slot.dataset.path = error.path ?? "";
  slot.hidden = false;
  const fieldset = slot.closest("fieldset, figure");
  for (const control of fieldset?.querySelectorAll("input, select") ?? []) {
    if (control.getAttribute("aria-describedby") === slot.id) control.setAttribute("aria-invalid", "true");
  }
  const named = cellForPath(error.path);
  const cell = named && cellAt(named.tensor, named.index);
  if (cell) {
    cell.setAttribute("aria-invalid", "true");
    cell.setAttribute("aria-describedby", slot.id);
  }
}
