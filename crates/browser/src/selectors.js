// Sightline's in-page selector resolver. Evaluated as `(RESOLVER)(args)`;
// returns plain JSON. Understands the Chrome Recorder's selector forms: CSS,
// aria/Name[role="r"], text/..., xpath/..., pierce/..., and chains that step
// into same-origin iframes and shadow roots.
(args) => {
  const deepAll = (root) => {
    const out = [];
    const walk = (node) => {
      for (const el of node.querySelectorAll('*')) {
        out.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(root);
    return out;
  };
  const implicitRole = (el) => {
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    if (tag === 'button') return 'button';
    if (tag === 'a' && el.hasAttribute('href')) return 'link';
    if (/^h[1-6]$/.test(tag)) return 'heading';
    if (tag === 'img') return 'img';
    if (tag === 'select') return 'combobox';
    if (tag === 'textarea') return 'textbox';
    if (tag === 'input') {
      if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
      if (type === 'checkbox') return 'checkbox';
      if (type === 'radio') return 'radio';
      if (type === 'search') return 'searchbox';
      return 'textbox';
    }
    return null;
  };
  const accessibleName = (el) => {
    const doc = el.ownerDocument;
    const label = el.getAttribute('aria-label');
    if (label) return label.trim();
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\s+/).map((id) => (doc.getElementById(id) || {}).textContent || '').join(' ').trim();
    if (el.id && doc.querySelector) {
      const l = doc.querySelector(`label[for="${CSS.escape(el.id)}"]`);
      if (l) return l.textContent.trim();
    }
    const wrap = el.closest && el.closest('label');
    if (wrap && wrap !== el) return wrap.textContent.trim();
    if (el.getAttribute('alt')) return el.getAttribute('alt').trim();
    const tag = el.tagName.toLowerCase();
    if (tag === 'input' && ['button', 'submit', 'reset'].includes((el.type || '').toLowerCase())) return (el.value || '').trim();
    if (['input', 'textarea', 'select'].includes(tag)) return (el.getAttribute('placeholder') || el.getAttribute('title') || '').trim();
    const text = (el.textContent || '').replace(/\s+/g, ' ').trim();
    return text || (el.getAttribute('title') || '').trim();
  };
  const queryPart = (root, part) => {
    const m = /^(aria|text|xpath|pierce)\/(.*)$/s.exec(part);
    const kind = m ? m[1] : 'css';
    const expr = m ? m[2] : part;
    if (kind === 'css') return Array.from(root.querySelectorAll(expr));
    if (kind === 'pierce') {
      const found = [];
      const walk = (node) => {
        found.push(...node.querySelectorAll(expr));
        for (const el of node.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
      };
      walk(root);
      return found;
    }
    if (kind === 'xpath') {
      const doc = root.ownerDocument || root;
      const ctx = root.nodeType === 11 ? root.host : root;
      const snap = doc.evaluate(expr, ctx, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
      const out = [];
      for (let i = 0; i < snap.snapshotLength; i++) out.push(snap.snapshotItem(i));
      return out;
    }
    if (kind === 'text') {
      // Innermost elements whose text contains the expression.
      const hits = deepAll(root).filter((el) => !['SCRIPT', 'STYLE', 'HEAD', 'TITLE'].includes(el.tagName)
        && (el.textContent || '').includes(expr));
      return hits.filter((el) => !hits.some((o) => o !== el && el.contains(o)));
    }
    // aria/Name[role="button"]
    const am = /^(.*?)(?:\[role="([^"]*)"\])?$/s.exec(expr);
    const name = (am[1] || '').trim();
    const role = am[2];
    return deepAll(root).filter((el) => {
      const r = el.getAttribute('role') || implicitRole(el);
      if (role && r !== role) return false;
      if (!role && !r && !el.hasAttribute('aria-label')) return false;
      return !name || accessibleName(el) === name;
    });
  };
  const frameRoot = () => {
    let w = window;
    for (const i of args.frame || []) w = w.frames[i];
    return w.document;
  };
  // All elements a chain selector finds (the last part's matches).
  const resolveChain = (parts) => {
    let roots = [frameRoot()];
    for (let i = 0; i < parts.length; i++) {
      const found = [];
      for (const r of roots) found.push(...queryPart(r, parts[i]));
      if (i === parts.length - 1) return found;
      roots = found.slice(0, 1).map((el) => {
        if (el.tagName === 'IFRAME' || el.tagName === 'FRAME') return el.contentDocument;
        return el.shadowRoot || el;
      }).filter(Boolean);
      if (!roots.length) return [];
    }
    return [];
  };
  const matches = () => {
    for (const parts of args.selectors) {
      let found = [];
      try { found = resolveChain(parts); } catch (_) { found = []; }
      if (found.length) return found;
    }
    return [];
  };
  const isVisible = (el) => {
    const style = el.ownerDocument.defaultView.getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none' && rect.width > 0 && rect.height > 0;
  };
  // Viewport coordinates of an element, through the iframes that hold it.
  const pageRect = (el) => {
    const r = el.getBoundingClientRect();
    let x = r.left, y = r.top;
    let w = el.ownerDocument.defaultView;
    while (w.frameElement) {
      const f = w.frameElement.getBoundingClientRect();
      x += f.left + w.frameElement.clientLeft;
      y += f.top + w.frameElement.clientTop;
      w = w.parent;
    }
    return { x, y, width: r.width, height: r.height };
  };
  const found = matches();
  const el = found[0];
  switch (args.action) {
    case 'locate': {
      if (!el) return { found: false };
      el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
      return { found: true, visible: isVisible(el), ...pageRect(el) };
    }
    case 'count': {
      const ok = found.filter((e) => {
        if (args.visible === true && !isVisible(e)) return false;
        if (args.visible === false && isVisible(e)) return false;
        for (const [k, v] of Object.entries(args.attributes || {})) if (e.getAttribute(k) !== v) return false;
        for (const [k, v] of Object.entries(args.properties || {})) if (JSON.stringify(e[k]) !== JSON.stringify(v)) return false;
        return true;
      });
      return { count: ok.length };
    }
    case 'text': {
      if (!args.selectors.length) return { found: true, text: frameRoot().body ? frameRoot().body.innerText : '' };
      if (!el) return { found: false };
      return { found: true, text: el.innerText !== undefined ? el.innerText : el.textContent };
    }
    case 'prepareChange': {
      if (!el) return { found: false };
      el.scrollIntoView({ block: 'center', behavior: 'instant' });
      const tag = el.tagName;
      if (tag === 'SELECT') {
        el.value = args.value;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
        return { found: true, typed: false };
      }
      el.focus();
      if (el.isContentEditable) {
        const range = el.ownerDocument.createRange();
        range.selectNodeContents(el);
        const sel = el.ownerDocument.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      } else if ('value' in el) {
        el.value = '';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }
      return { found: true, typed: true };
    }
    case 'finishChange': {
      if (el) el.dispatchEvent(new Event('change', { bubbles: true }));
      return { found: !!el };
    }
    case 'scroll': {
      if (!el) return { found: false };
      el.scrollTo(args.x || 0, args.y || 0);
      return { found: true };
    }
    default:
      throw new Error('unknown action ' + args.action);
  }
}
