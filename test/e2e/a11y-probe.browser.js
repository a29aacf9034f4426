// Runs inside the H5 page (injected by a11y.test.ts): measures what axe-core does not — tap-target sizes,
// horizontal overflow at narrow widths — and tags the interactive elements so the test can tab through
// them and ask Chromium's accessibility tree for their names. Plain browser JavaScript on purpose: the
// test files are type-checked for Node, without the DOM library.
(() => {
  const INTERACTIVE = [
    '[role=button]', '[role=link]', '[role=tab]', '[role=radio]', '[role=checkbox]', '[role=switch]', '[role=option]',
    'input:not([type=hidden])', 'textarea', 'select', 'button', 'a[href]', '[tabindex]:not([tabindex="-1"])',
  ].join(',');

  const visible = (el) => {
    if (!el.getClientRects().length) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none';
  };

  // Text kept for screen readers only (a visually hidden live region) is not drawn, so it cannot overflow.
  const srOnly = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if ((s.clipPath && s.clipPath !== 'none') || (/hidden|clip/.test(s.overflowX) && e.clientWidth <= 1)) return true;
    }
    return false;
  };

  const describe = (el) => {
    const id = el.id && el.id !== 'undefined' ? `#${el.id}` : '';
    const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).slice(0, 3).join('.')}` : '';
    const text = (el.innerText || el.getAttribute('aria-label') || el.getAttribute('placeholder') || '').trim().replace(/\s+/g, ' ').slice(0, 30);
    return `${el.tagName.toLowerCase()}${id}${cls}${text ? ` "${text}"` : ''}`;
  };

  /** The page's visible interactive elements, numbered in data-a11y-i for the focus walk and the name lookup. */
  function interactive() {
    document.querySelectorAll('[data-a11y-i]').forEach((el) => el.removeAttribute('data-a11y-i'));
    const all = [...document.querySelectorAll(INTERACTIVE)].filter(visible);
    return all.map((el, i) => {
      el.setAttribute('data-a11y-i', String(i));
      const r = el.getBoundingClientRect();
      const tag = el.tagName.toLowerCase();
      return {
        i,
        what: describe(el),
        role: el.getAttribute('role') || tag,
        field: tag === 'input' || tag === 'textarea' || tag === 'select',
        disabled: el.getAttribute('aria-disabled') === 'true' || el.disabled === true,
        tabindex: el.tabIndex,
        box: { x: Math.round(r.x), y: Math.round(r.y), w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10 },
      };
    });
  }

  const ringed = (el) => {
    const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  };

  /**
   * Which tagged element has the focus (-1: none, e.g. the body), and whether a focus ring shows on it or,
   * for a native field, on the Taro element that draws the field's box (taro-input-core :focus-within).
   */
  function focused() {
    const el = document.activeElement;
    const tagged = el && el.closest ? el.closest('[data-a11y-i]') : null;
    if (!tagged) return { i: -1, ring: false };
    const box = /^(INPUT|TEXTAREA)$/.test(el.tagName) && el.parentElement && el.parentElement.tagName.startsWith('TARO-') ? el.parentElement : null;
    return { i: Number(tagged.getAttribute('data-a11y-i')), ring: ringed(el) || (!!box && ringed(box)) };
  }

  /** Everything wider than the viewport: the document itself, and text drawn past its right edge. */
  function overflow() {
    const width = document.documentElement.clientWidth;
    const out = [];
    const doc = document.scrollingElement || document.documentElement;
    if (doc.scrollWidth > width) out.push(`document is ${doc.scrollWidth}px wide in a ${width}px viewport`);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim() || !n.parentElement || !visible(n.parentElement) || srOnly(n.parentElement)) continue;
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) {
        if (r.width && (r.right > width + 0.5 || r.left < -0.5)) {
          out.push(`text "${n.textContent.trim().slice(0, 30)}" in ${describe(n.parentElement)} spans ${Math.round(r.left)}–${Math.round(r.right)}px`);
          break;
        }
      }
    }
    // Text cut off inside a clipping box (overflow hidden) is lost too, even when the box fits.
    for (const el of document.body.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      if (!/hidden|clip/.test(s.overflowX) || !visible(el) || !el.innerText || !el.innerText.trim() || srOnly(el)) continue;
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth < width) out.push(`text clipped in ${describe(el)} (${el.scrollWidth}px in ${el.clientWidth}px)`);
    }
    return out;
  }

  window.__a11y = { interactive, focused, overflow };
})();
