// The dialog that asks for an API key after a 401. Requests that meet a 401 while it is open
// all wait for the same answer.
let pending = null;

/** Resolves to the key typed, or null when the learner cancels. */
export function askForKey(message, hadKey) {
  if (pending) return pending;
  const dialog = document.getElementById("key-dialog");
  const input = document.getElementById("key-input");
  document.getElementById("key-message").textContent =
    (hadKey ? "The key was refused. " : "This server asks for an API key. ") + (message ?? "");
  input.value = "";
  pending = new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      pending = null;
      resolve(dialog.returnValue === "ok" && input.value.trim() ? input.value.trim() : null);
    }, { once: true });
  });
  dialog.returnValue = "";
  dialog.showModal();
  input.focus();
  return pending;
}
