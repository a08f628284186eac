/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the Security page and the dashboard. No framework, no build
 * step, no inline code (the CSP forbids it). Every piece of text from the
 * server goes into the page through textContent or attributes set by
 * el(), never through innerHTML, so hostile names stay text.
 */
'use strict';

const ui = (() => {
  let csrf = null;

  /* el('button', {class: 'x', onclick: f, 'aria-label': 'y'}, 'text', child, ...) */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
      else if (k === 'class') e.className = v;
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function setCsrf(token) { csrf = token; }

  /* An API error: the problem document's code and detail, or a network failure. */
  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
      this.status = status;
      this.code = (problem && problem.code) || 'http_' + status;
      this.problem = problem || {};
    }
  }

  async function api(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = csrf;
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, { code: 'network', detail: 'gatehouse did not answer; check your connection and try again' });
    }
    if (res.status === 204) return null;
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  /* Runs fn while button shows busy text; errors go to the given alert region. */
  async function busy(button, text, fn) {
    const old = button ? button.textContent : '';
    if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); button.textContent = text; }
    try { return await fn(); } finally {
      if (button) { button.disabled = false; button.removeAttribute('aria-busy'); button.textContent = old; }
    }
  }

  function copyButton(value, label) {
    const b = el('button', { type: 'button', class: 'copy', 'aria-label': 'Copy ' + label }, 'Copy');
    b.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(value);
        b.textContent = 'Copied';
      } catch (e) {
        /* clipboard refused (http, or permissions): select the text instead */
        const code = b.previousElementSibling;
        if (code) {
          const r = document.createRange(); r.selectNodeContents(code);
          const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
        }
        b.textContent = 'Selected — press Ctrl+C';
      }
      setTimeout(() => { b.textContent = 'Copy'; }, 2500);
    });
    return b;
  }

  /* A value to paste somewhere: label, the value in a code element, a copy button. */
  function copyField(label, value, testid) {
    return el('div', { class: 'copyfield' },
      el('span', { class: 'label' }, label),
      el('code', { 'data-testid': testid || null }, value),
      copyButton(value, label));
  }

  function alertBox(kind, text) {
    return el('div', { class: 'alert ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
  }

  function time(ts) {
    if (!ts) return '—';
    const d = new Date(typeof ts === 'number' ? ts * 1000 : ts);
    return isNaN(d) ? String(ts) : d.toLocaleString();
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  return { el, api, setCsrf, ApiError, busy, copyButton, copyField, alertBox, time, clear };
})();
