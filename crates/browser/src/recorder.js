// Sightline's in-page recorder, installed on every new document of the
// recorded page (Page.addScriptToEvaluateOnNewDocument). It watches what the
// person does and reports each step, in Chrome Recorder's step format, to
// the binding window.__sightlineRecord. For each element it proposes several
// selectors, best first, as Chrome's Recorder does: ARIA role and name,
// data-testid, id, text, CSS path, XPath. What is typed into a password
// field is never sent: the step carries {{secret.password}} instead.
(() => {
  if (window.__sightlineRecorderInstalled || window !== window.top) return;
  window.__sightlineRecorderInstalled = true;
  const send = (step) => {
    try { window.__sightlineRecord(JSON.stringify(step)); } catch (_) { /* binding gone */ }
  };

  const implicitRole = (el) => {
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    if (tag === 'button') return 'button';
    if (tag === 'a' && el.hasAttribute('href')) return 'link';
    if (/^h[1-6]$/.test(tag)) return 'heading';
    if (tag === 'select') return 'combobox';
    if (tag === 'textarea') return 'textbox';
    if (tag === 'input') {
      if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
      if (type === 'checkbox') return 'checkbox';
      if (type === 'radio') return 'radio';
      if (type === 'search') return 'searchbox';
      if (type === 'password') return null;
      return 'textbox';
    }
    return null;
  };
  const accessibleName = (el) => {
    const label = el.getAttribute('aria-label');
    if (label) return label.trim();
    const by = el.getAttribute('aria-labelledby');
    if (by) {
      return by.split(/\s+/).map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
    }
    if (el.id) {
      const l = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
      if (l) return l.textContent.trim();
    }
    if (el.tagName === 'INPUT' && ['button', 'submit', 'reset'].includes(el.type)) return (el.value || '').trim();
    if (el.tagName === 'IMG') return (el.getAttribute('alt') || '').trim();
    if (['BUTTON', 'A'].includes(el.tagName) || /^H[1-6]$/.test(el.tagName)) {
      return (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
    }
    return (el.getAttribute('title') || '').trim();
  };
  const unique = (sel) => {
    try { return document.querySelectorAll(sel).length === 1; } catch (_) { return false; }
  };
  const cssPath = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && e !== document.documentElement; e = e.parentElement) {
      if (e.id && unique('#' + CSS.escape(e.id))) { parts.unshift('#' + CSS.escape(e.id)); break; }
      const tag = e.tagName.toLowerCase();
      const same = e.parentElement ? [...e.parentElement.children].filter((c) => c.tagName === e.tagName) : [];
      parts.unshift(same.length > 1 ? `${tag}:nth-of-type(${same.indexOf(e) + 1})` : tag);
    }
    return parts.join(' > ');
  };
  const xpath = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      if (e.id) { parts.unshift(`//*[@id="${e.id}"]`); return parts.join('/'); }
      const same = e.parentElement ? [...e.parentElement.children].filter((c) => c.tagName === e.tagName) : [e];
      parts.unshift(`${e.tagName.toLowerCase()}[${same.indexOf(e) + 1}]`);
    }
    return '/' + parts.join('/');
  };
  const selectorsFor = (el) => {
    const out = [];
    const role = el.getAttribute('role') || implicitRole(el);
    const name = accessibleName(el);
    if (role && name && name.length <= 80) out.push([`aria/${name}[role="${role}"]`]);
    const testId = el.getAttribute('data-testid');
    if (testId && unique(`[data-testid="${CSS.escape(testId)}"]`)) out.push([`[data-testid="${testId}"]`]);
    if (el.id && unique('#' + CSS.escape(el.id))) out.push(['#' + CSS.escape(el.id)]);
    const text = (el.innerText || '').trim();
    if (text && text.length <= 40 && !text.includes('\n') && ['A', 'BUTTON'].includes(el.tagName)) {
      const same = [...document.querySelectorAll(el.tagName)].filter((o) => (o.innerText || '').trim() === text);
      if (same.length === 1) out.push([`text/${text}`]);
    }
    out.push([cssPath(el)]);
    out.push([`xpath/${xpath(el)}`]);
    return out;
  };
  const INTERACTIVE = 'a,button,input,select,textarea,label,summary,[role=button],[role=link],[role=tab],[role=menuitem],[data-testid]';
  const targetOf = (event) => {
    const el = (event.composedPath && event.composedPath()[0]) || event.target;
    if (!(el instanceof Element)) return null;
    return el.closest(INTERACTIVE) || el;
  };
  const isField = (el) => el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;

  // Typing is reported once, as a change step, when the person moves on.
  let pending = null;
  const flush = () => {
    if (!pending) return;
    const { el, selectors } = pending;
    const secret = el instanceof HTMLInputElement && el.type === 'password';
    send({ type: 'change', selectors, value: secret ? '{{secret.password}}' : el.value });
    pending = null;
  };
  document.addEventListener('input', (e) => {
    const el = e.target;
    if (!isField(el)) return;
    if (pending && pending.el !== el) flush();
    if (!pending) pending = { el, selectors: selectorsFor(el) };
  }, true);
  document.addEventListener('change', (e) => {
    const el = e.target;
    if (pending && pending.el === el) { flush(); return; }
    if (el instanceof HTMLSelectElement) send({ type: 'change', selectors: selectorsFor(el), value: el.value });
  }, true);
  document.addEventListener('click', (e) => {
    const el = targetOf(e);
    if (!el) return;
    if (pending && pending.el !== el) flush();
    // A click on a text field only focuses it; the typing is the step.
    if (isField(el) && !['checkbox', 'radio', 'submit', 'button', 'reset'].includes(el.type)) return;
    const r = el.getBoundingClientRect();
    const step = {
      type: 'click',
      selectors: selectorsFor(el),
      offsetX: Math.max(0, Math.round(e.clientX - r.left)),
      offsetY: Math.max(0, Math.round(e.clientY - r.top)),
    };
    if (e.button === 1) step.button = 'auxiliary';
    if (e.button === 2) step.button = 'secondary';
    send(step);
  }, true);
  const KEYS = new Set(['Enter', 'Tab', 'Escape', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight',
    'Backspace', 'Delete', 'PageUp', 'PageDown', 'Home', 'End']);
  document.addEventListener('keydown', (e) => {
    if (!KEYS.has(e.key)) return;
    if (e.key !== 'Backspace' && e.key !== 'Delete') flush();
    if (e.key === 'Backspace' || e.key === 'Delete') return; // part of typing
    send({ type: 'keyDown', key: e.key });
  }, true);
  document.addEventListener('keyup', (e) => {
    if (KEYS.has(e.key) && e.key !== 'Backspace' && e.key !== 'Delete') send({ type: 'keyUp', key: e.key });
  }, true);
  let scrollTimer = null;
  window.addEventListener('scroll', () => {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(() => send({ type: 'scroll', x: Math.round(window.scrollX), y: Math.round(window.scrollY) }), 300);
  }, true);
  document.addEventListener('submit', flush, true);
  window.addEventListener('pagehide', flush, true);
})();
