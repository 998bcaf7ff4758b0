// @file The page's one-line messages (the #toast box, announced by screen readers as an alert). A module of
// its own so that code running while the page starts (a bad link, a CSV that fails) can report safely.

let hideTimer = 0;

/** Shows `message` for a few seconds (errors longer: about 60 ms per character, at least 6 s). */
export function toast(message: string, error = false): void {
  const box = document.getElementById('toast');
  if (!box) return;
  box.textContent = message;
  box.className = `toast show${error ? ' error' : ''}`;
  window.clearTimeout(hideTimer);
  const duration = error ? Math.max(6000, 60 * message.length) : 3000;
  hideTimer = window.setTimeout(() => (box.className = 'toast'), duration);
}
