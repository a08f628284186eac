/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator dashboard: a client of the Backend API (/v1) with the
 * dashboard session cookie and its CSRF token (see web/ui.js for el(), api()
 * and the other shared helpers). Navigation is by hash (#/organizations/org_...),
 * so reload and the back button keep the place. Every piece of server data
 * goes into the page as text (ui.el), never as HTML.
 */
'use strict';

(() => {
  const { el } = ui;
  const main = document.getElementById('main');
  const nav = document.getElementById('nav');
  const who = document.getElementById('whoami');
  let session = null;
  let renderId = 0; /* a newer render makes older async work drop its result */
  let flash = null; /* a message for the next page drawn, e.g. after saving redraws it */

  const SECTIONS = [
    ['organizations', 'Organizations'], ['users', 'Users'], ['connections', 'Connections'],
    ['webhooks', 'Webhooks'], ['audit', 'Audit log'],
  ];
  const PROVIDERS = {
    okta: ['saml', 'oidc'], microsoft_entra_id: ['saml', 'oidc', 'easie'],
    google_workspace: ['saml', 'oidc', 'easie'], custom_saml: ['saml'], custom_oidc: ['oidc'],
  };
  const EVENT_TYPES = [
    'user.created', 'user.updated', 'user.deleted', 'organization_membership.created',
    'organization_membership.updated', 'organization_membership.deleted', 'session.revoked',
    'organization_domain.verified', 'enterprise_connection.activated',
    'enterprise_connection.deactivated', 'directory_sync.group.created',
    'directory_sync.group.updated', 'directory_sync.group.deleted',
  ];

  /* -- small helpers -------------------------------------------------------------------- */

  const enc = encodeURIComponent;
  let uid = 0;
  const nextId = (p) => `${p}-${++uid}`;

  function qs(params) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {}))
      if (v !== undefined && v !== null && v !== '') u.set(k, v);
    const s = u.toString();
    return s ? '?' + s : '';
  }

  /* What went wrong and what to do about it, for any error. */
  function explain(e) {
    if (!(e instanceof ui.ApiError))
      return `The page hit a problem (${e && e.message}). Reload the page and try again.`;
    let text = e.message;
    const fields = (e.problem.errors || []).filter((x) => x.field)
      .map((x) => `${x.field}: ${x.code}`).join(', ');
    if (fields && !text.includes(fields)) text += ` (${fields})`;
    let next = '';
    if (e.status === 0) next = '';
    else if (e.status === 401) next = session ? 'Sign in again.' : '';
    else if (e.code === 'csrf_token_invalid' || e.code === 'cross_site_request') next = 'Reload the page.';
    else if (e.status === 403) next = 'This sign-in may not do that; ask for an operator account that may.';
    else if (e.status === 404) next = 'It may have been deleted: go back to the list and reload it.';
    else if (e.status === 409) next = 'Resolve the conflict named above, then try again.';
    else if (e.status === 422 || e.status === 400) next = 'Correct the value and try again.';
    else if (e.status === 429) next = 'Wait a minute, then try again.';
    else if (e.status >= 500) next = 'Try again in a moment; if it keeps failing, the server log has the cause.';
    /* server details are clauses ("no organization x"): make a sentence of them */
    text = text.charAt(0).toUpperCase() + text.slice(1);
    if (!/[.!?]$/.test(text)) text += '.';
    return next ? `${text} ${next}` : text;
  }

  /* A mistake the page itself catches before calling the API. */
  function invalid(detail) { return new ui.ApiError(422, { code: 'invalid', detail }); }

  function show(region, kind, text) {
    ui.clear(region);
    if (text) region.append(ui.alertBox(kind, text));
  }

  /* A live region for one card's messages. */
  function messages() { return el('div', { class: 'dash-msg', 'aria-live': 'polite' }); }

  /* On an expired session the whole page goes back to the sign-in form. */
  function handle(region, e) {
    if (e instanceof ui.ApiError && e.status === 401 && session) {
      session = null;
      signInPage('Your session ended. Sign in again to continue.');
      return;
    }
    show(region, 'error', explain(e));
  }

  /* A button that runs fn with a busy state; failures go to region. */
  function action(label, busyText, region, fn, attrs) {
    const b = el('button', Object.assign({ type: 'button' }, attrs || {}), label);
    b.addEventListener('click', async () => {
      show(region, '', null);
      try { await ui.busy(b, busyText, fn); } catch (e) { handle(region, e); }
    });
    return b;
  }

  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

  function badge(text, kind) { return el('span', { class: 'badge ' + (kind || '') }, text); }

  function statusBadge(s) {
    const good = ['active', 'verified', 'passed', 'succeeded', 'delivered', 'tested'];
    const bad = ['failed', 'deactivated', 'revoked', 'expired', 'inactive'];
    return badge(s || '—', good.includes(s) ? 'ok' : bad.includes(s) ? 'bad' : 'warn');
  }

  function link(hash, text, attrs) { return el('a', Object.assign({ href: hash }, attrs || {}), text); }

  function card(title, ...children) {
    const id = nextId('h');
    return el('section', { class: 'card', 'aria-labelledby': id },
      el('h2', { id }, title), ...children);
  }

  function table(columns, rows, attrs) {
    return el('div', { class: 'table-wrap' },
      el('table', attrs || {},
        el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col' }, c[0])))),
        el('tbody', {}, rows.map((r) => el('tr', {}, columns.map((c) => el('td', { 'data-label': c[0] }, c[1](r))))))));
  }

  /* A labelled control. kind: text|email|url|password|number|search|checkbox|select|textarea */
  function field(label, name, kind, value, opts) {
    opts = opts || {};
    const id = nextId('f');
    let input;
    if (kind === 'select') {
      input = el('select', { id, name },
        (opts.options || []).map(([v, t]) => el('option', { value: v, selected: v === value }, t)));
    } else if (kind === 'textarea') {
      input = el('textarea', { id, name, placeholder: opts.placeholder }, value || '');
    } else if (kind === 'checkbox') {
      input = el('input', { id, name, type: 'checkbox', checked: !!value });
      return el('div', { class: 'dash-check' }, input,
        el('label', { for: id }, label),
        opts.hint ? el('p', { class: 'hint' }, opts.hint) : null);
    } else {
      input = el('input', {
        id, name, type: kind, value: value === null || value === undefined ? '' : value,
        required: opts.required, placeholder: opts.placeholder, autocomplete: opts.autocomplete || 'off',
        min: opts.min, spellcheck: 'false',
      });
    }
    const hintId = opts.hint ? nextId('hint') : null;
    if (hintId) input.setAttribute('aria-describedby', hintId);
    return el('div', { class: 'dash-field' },
      el('label', { for: id }, label + (opts.required ? ' *' : '')),
      input, hintId ? el('p', { class: 'hint', id: hintId }, opts.hint) : null);
  }

  /* Values of a form's named controls: checkboxes as booleans, the rest as strings. */
  function values(form) {
    const out = {};
    for (const c of form.querySelectorAll('input[name], select[name], textarea[name]'))
      out[c.name] = c.type === 'checkbox' ? c.checked : c.value.trim();
    return out;
  }

  /* A form whose submit runs fn(values) with the submit button busy. */
  function form(fields, submitLabel, busyText, region, fn, attrs) {
    const submit = el('button', { type: 'submit' }, submitLabel);
    const f = el('form', Object.assign({ novalidate: true }, attrs || {}), fields, el('div', { class: 'row' }, submit));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      show(region, '', null);
      try { await ui.busy(submit, busyText, () => fn(values(f), f)); } catch (e) { handle(region, e); }
    });
    return f;
  }

  /* A modal confirmation (native <dialog>: focus stays inside, Escape cancels). */
  function confirmAction(text, confirmLabel) {
    return new Promise((resolve) => {
      const yes = el('button', { type: 'button', class: 'danger' }, confirmLabel);
      const no = el('button', { type: 'button', class: 'secondary' }, 'Cancel');
      const id = nextId('dlg');
      const d = el('dialog', { class: 'dash-dialog', 'aria-labelledby': id },
        el('p', { id }, text), el('div', { class: 'row' }, yes, no));
      const done = (v) => { d.close(); d.remove(); resolve(v); };
      yes.addEventListener('click', () => done(true));
      no.addEventListener('click', () => done(false));
      d.addEventListener('cancel', (ev) => { ev.preventDefault(); done(false); });
      document.body.append(d);
      d.showModal();
      no.focus();
    });
  }

  /*
   * A list endpoint shown page by page (limit + starting_after). The cursor
   * stack gives "Previous". columns: [[title, row => node]]; empty: what to
   * say (and do) when there is nothing.
   */
  function pagedList(path, params, columns, empty, opts) {
    opts = opts || {};
    const limit = opts.limit || 20;
    const box = el('div', { class: 'dash-list', 'data-testid': opts.testid || null });
    const region = messages();
    const body = el('div', {});
    const status = el('p', { class: 'hint', role: 'status' });
    const prev = el('button', { type: 'button', class: 'secondary' }, 'Previous page');
    const next = el('button', { type: 'button', class: 'secondary' }, 'Next page');
    const cursors = [null];
    let page = [];
    async function load() {
      const mine = renderId;
      status.textContent = 'Loading…';
      body.setAttribute('aria-busy', 'true');
      show(region, '', null);
      try {
        const after = cursors[cursors.length - 1];
        const r = await ui.api('GET', path + qs(Object.assign({}, params, { limit, starting_after: after })));
        if (mine !== renderId) return;
        page = r.data || [];
        ui.clear(body);
        if (!page.length && cursors.length === 1) body.append(el('div', { class: 'empty' }, empty));
        else body.append(table(columns, page));
        const total = r.total_count;
        const first = (cursors.length - 1) * limit + 1;
        status.textContent = page.length
          ? `Showing ${first}–${first + page.length - 1}${total !== undefined ? ' of ' + total : ''}`
          : (cursors.length > 1 ? 'No more items.' : '');
        prev.hidden = cursors.length === 1;
        next.hidden = !r.has_more;
        if (opts.onLoad) opts.onLoad(page, r);
      } catch (e) {
        handle(region, e);
        status.textContent = '';
      } finally {
        body.removeAttribute('aria-busy');
      }
    }
    prev.addEventListener('click', () => { cursors.pop(); load(); });
    next.addEventListener('click', () => { if (page.length) { cursors.push(page[page.length - 1].id); load(); } });
    prev.hidden = next.hidden = true;
    box.append(region, body, el('div', { class: 'row' }, prev, next, status));
    box.reload = () => { load(); };
    load();
    return box;
  }

  /* Every item of a small list (roles, groups for a select): follows has_more. */
  async function all(path, params) {
    let out = [], after = null;
    for (let i = 0; i < 20; i++) {
      const r = await ui.api('GET', path + qs(Object.assign({}, params, { limit: 500, starting_after: after })));
      out = out.concat(r.data || []);
      if (!r.has_more || !(r.data || []).length) break;
      after = r.data[r.data.length - 1].id;
    }
    return out;
  }

  async function roleOptions() {
    const roles = await all('/v1/roles');
    return roles.map((r) => [r.key, `${r.name} (${r.key})`]);
  }

  /* -- page frame, routing --------------------------------------------------------------- */

  function parseHash() {
    const h = location.hash.replace(/^#\/?/, '');
    const [p, q] = h.split('?');
    return { parts: p.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q || '') };
  }

  function go(hash) { if (location.hash === hash) render(); else location.hash = hash; }

  function frame() {
    ui.clear(nav);
    const current = parseHash().parts[0] || 'organizations';
    for (const [k, t] of SECTIONS)
      nav.append(link('#/' + k, t, { 'aria-current': k === current ? 'page' : null }));
    ui.clear(who);
    if (session) {
      const p = session.principal || {};
      const out = el('button', { type: 'button', class: 'secondary dash-signout' }, 'Sign out');
      out.addEventListener('click', async () => {
        try {
          await ui.busy(out, 'Signing out…', () => ui.api('POST', '/dashboard/api/logout'));
        } catch (e) { /* the session is gone either way */ }
        session = null;
        ui.setCsrf(null);
        history.replaceState(null, '', '#/');
        signInPage('You are signed out.', 'ok');
      });
      who.append(el('span', { title: p.id }, p.type === 'operator' ? `Signed in as ${p.name || p.id}` : 'Signed in with a secret key'), ' ', out);
    }
  }

  async function render(moved) {
    if (!session) return;
    const mine = ++renderId;
    frame();
    const { parts, query } = parseHash();
    const view = el('div', {});
    const [section, id, sub] = parts;
    const pages = {
      organizations: id ? () => orgPage(view, id) : () => orgsPage(view, query),
      users: id ? () => userPage(view, id) : () => usersPage(view, query),
      connections: id ? () => connectionPage(view, id, sub) : () => connectionsPage(view, query),
      webhooks: id ? () => webhookPage(view, id) : () => webhooksPage(view),
      audit: () => auditPage(view, query),
    };
    const page = pages[section || 'organizations'];
    ui.clear(main).append(el('p', { class: 'loading', role: 'status' }, 'Loading…'));
    if (!page) {
      ui.clear(main).append(el('h1', {}, 'Page not found'),
        el('p', {}, 'This address is not a dashboard page. ', link('#/organizations', 'Go to Organizations'), '.'));
      return;
    }
    try {
      await page();
      if (mine !== renderId) return;
      ui.clear(main).append(view);
      const h1 = main.querySelector('h1');
      if (h1) {
        document.title = h1.textContent + ' — gatehouse dashboard';
        /* after a navigation, keyboard and screen-reader users start at the new heading */
        if (moved) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: true }); }
      }
    } catch (e) {
      if (mine !== renderId) return;
      const region = messages();
      ui.clear(main).append(el('h1', {}, 'Could not load this page'), region,
        el('p', {}, link('#/' + (section || 'organizations'), 'Back to the list')));
      handle(region, e);
    }
  }

  /* -- sign-in ------------------------------------------------------------------------------ */

  function signInPage(note, kind) {
    renderId++;
    frame();
    ui.clear(nav);
    document.title = 'Sign in — gatehouse dashboard';
    const region = messages();
    if (note) show(region, kind || 'info', note);
    const pw = form([
      field('Username', 'username', 'text', '', { required: true, autocomplete: 'username' }),
      field('Password', 'password', 'password', '', { required: true, autocomplete: 'current-password' }),
    ], 'Sign in', 'Signing in…', region, async (v) => {
      if (!v.username || !v.password) throw invalid('Enter your username and password.');
      await signIn({ username: v.username, password: v.password });
    }, { 'data-testid': 'signin-password' });
    const key = form([
      field('Secret key', 'secret_key', 'password', '', { required: true, placeholder: 'sk_...', hint: 'A Backend API secret key (gatehouse keys create).' }),
    ], 'Sign in with key', 'Signing in…', region, async (v) => {
      if (!v.secret_key) throw invalid('Paste a secret key.');
      await signIn({ secret_key: v.secret_key });
    }, { 'data-testid': 'signin-key' });
    ui.clear(main).append(el('div', { class: 'dash-signin' }, el('h1', {}, 'Sign in'), region,
      card('Operator account', pw),
      card('Secret key', key)));
    const first = main.querySelector('input');
    if (first) first.focus();
  }

  async function signIn(body) {
    try {
      session = await ui.api('POST', '/dashboard/api/login', body);
    } catch (e) {
      if (e.code === 'invalid_credentials')
        throw new ui.ApiError(401, { code: e.code, detail: 'Wrong username or password. Check both and try again; after repeated failures the account is locked for a while.' });
      if (e.code === 'invalid_api_key')
        throw new ui.ApiError(401, { code: e.code, detail: 'That secret key is unknown or revoked. Paste a current key (gatehouse keys list).' });
      throw e;
    }
    ui.setCsrf(session.csrf_token);
    if (!parseHash().parts.length) history.replaceState(null, '', '#/organizations');
    render();
  }

  /* -- organizations ------------------------------------------------------------------------ */

  function orgsPage(view, query) {
    const q = query.get('query') || '';
    const region = messages();
    const search = form([field('Search organizations', 'query', 'search', q, { hint: 'Part of the name or slug, or an id.' })],
      'Search', 'Searching…', region, async (v) => go('#/organizations' + qs({ query: v.query })), { role: 'search' });
    const createMsg = messages();
    const create = form([
      field('Name', 'name', 'text', '', { required: true }),
      field('Slug', 'slug', 'text', '', { hint: 'Optional: derived from the name when empty.' }),
    ], 'Create organization', 'Creating…', createMsg, async (v) => {
      const o = await ui.api('POST', '/v1/organizations', { name: v.name, slug: v.slug || undefined });
      go('#/organizations/' + enc(o.id));
    });
    view.append(el('h1', {}, 'Organizations'), region, search,
      pagedList('/v1/organizations', { query: q }, [
        ['Name', (o) => link('#/organizations/' + enc(o.id), o.name)],
        ['Slug', (o) => el('code', {}, o.slug)],
        ['Self-serve SSO', (o) => o.self_serve_sso ? badge('on', 'ok') : badge('off')],
        ['Created', (o) => ui.time(o.created_at)],
      ], q ? `No organization matches “${q}”. Try another search, or create one below.`
        : 'No organizations yet. Create the first one below.', { testid: 'org-list' }),
      card('New organization', createMsg, create));
  }

  async function orgPage(view, id) {
    const [org, roles] = await Promise.all([ui.api('GET', '/v1/organizations/' + enc(id)), roleOptions()]);
    const base = '/v1/organizations/' + enc(org.id);
    const region = messages();
    const title = el('h1', { 'data-testid': 'org-name' }, org.name);
    const settings = form([
      field('Name', 'name', 'text', org.name, { required: true }),
      field('Slug', 'slug', 'text', org.slug, { required: true }),
      field('Default role', 'default_role', 'select', org.default_role, { options: roles, hint: 'The role new members get when nothing else sets one.' }),
      field('Self-serve SSO', 'self_serve_sso', 'checkbox', org.self_serve_sso,
        { hint: 'The organization’s admins may set up domains, SSO and Directory Sync on their own Security page.' }),
      field('Seat limit', 'max_memberships', 'number', org.max_memberships, { min: 1, hint: 'Empty: no limit.' }),
    ], 'Save changes', 'Saving…', region, async (v) => {
      const o = await ui.api('PATCH', base, {
        name: v.name, slug: v.slug, default_role: v.default_role, self_serve_sso: v.self_serve_sso,
        max_memberships: v.max_memberships === '' ? null : Number(v.max_memberships),
      });
      title.textContent = o.name;
      show(region, 'ok', `Saved. Self-serve SSO is ${o.self_serve_sso ? 'on' : 'off'}.`);
    }, { 'data-testid': 'org-settings' });
    const delMsg = messages();
    const del = action('Delete organization', 'Deleting…', delMsg, async () => {
      if (!await confirmAction(`Delete “${org.name}” with its memberships and domains? This cannot be undone.`, 'Delete organization')) return;
      await ui.api('DELETE', base);
      go('#/organizations');
    }, { class: 'danger' });
    view.append(
      el('p', {}, link('#/organizations', '← Organizations')), title,
      el('p', { class: 'hint' }, 'Id ', el('code', {}, org.id)),
      card('Settings', region, settings, el('div', { class: 'row' }, del), delMsg),
      domainsCard(base), membersCard(base, org, roles), orgConnectionsCard(org), portalLinkCard(base, org),
      el('p', {}, link('#/audit?organization_id=' + enc(org.id), 'Audit log of this organization')));
  }

  function domainsCard(base) {
    const region = messages();
    const list = el('div', { 'data-testid': 'domains' });
    async function load() {
      const doms = await all(base + '/domains');
      ui.clear(list);
      if (!doms.length) { list.append(el('div', { class: 'empty' }, 'No domains yet. Add the organization’s email domain (e.g. acme.com), publish the TXT record shown, then press Verify.')); return; }
      list.append(table([
        ['Domain', (d) => el('strong', {}, d.name)],
        ['Verification', (d) => el('div', {}, statusBadge(d.verification.status),
          d.verification.failure ? el('p', { class: 'hint' }, d.verification.failure.detail || d.verification.failure.message || d.verification.failure.code) : null,
          el('p', { class: 'hint' }, 'Last checked ', ui.time(d.verification.last_checked_at)))],
        ['TXT record', (d) => d.verification.status === 'verified' ? el('span', { class: 'hint' }, 'Verified ' + ui.time(d.verification.verified_at))
          : el('div', {}, ui.copyField('Name', d.verification.txt_record_name), ui.copyField('Value', d.verification.txt_record_value))],
        ['SSO enforced', (d) => d.sso_enforced ? 'yes' : 'no'],
        ['', (d) => el('div', { class: 'row' },
          d.verification.status === 'verified' ? null : action('Verify', 'Looking up DNS…', region, async () => {
            const r = await ui.api('POST', `${base}/domains/${enc(d.id)}/verify`);
            await load();
            show(region, r.verification.status === 'verified' ? 'ok' : 'warn',
              r.verification.status === 'verified' ? `${r.name} is verified.`
                : `${r.name} is not verified yet: ${(r.verification.failure && (r.verification.failure.detail || r.verification.failure.code)) || r.verification.status}. Publish the TXT record and try again (DNS can take a while to update).`);
          }, { 'aria-label': 'Verify ' + d.name }),
          action('Remove', 'Removing…', region, async () => {
            if (!await confirmAction(`Remove the domain ${d.name}?`, 'Remove domain')) return;
            await ui.api('DELETE', `${base}/domains/${enc(d.id)}`);
            await load();
          }, { class: 'secondary', 'aria-label': 'Remove ' + d.name }))],
      ], doms));
    }
    const add = form([field('Domain name', 'name', 'text', '', { required: true, placeholder: 'acme.com' })],
      'Add domain', 'Adding…', region, async (v, f) => {
        const d = await ui.api('POST', base + '/domains', { name: v.name });
        f.reset();
        await load();
        show(region, 'ok', `Added ${d.name}. Publish the TXT record shown, then press Verify.`);
      }, { 'data-testid': 'add-domain' });
    load().catch((e) => handle(region, e));
    return card('Domains', region, list, add);
  }

  function membersCard(base, org, roles) {
    const region = messages();
    const list = pagedList(base + '/memberships', {}, [
      ['Member', (m) => link('#/users/' + enc(m.user_id), (m.user && m.user.primary_email) || m.user_id)],
      ['Name', (m) => m.user ? [m.user.first_name, m.user.last_name].filter(Boolean).join(' ') : ''],
      ['Role', (m) => {
        const id = nextId('role');
        const s = el('select', { id, 'aria-label': 'Role of ' + ((m.user && m.user.primary_email) || m.user_id), disabled: m.role_source === 'mapping' },
          roles.map(([v, t]) => el('option', { value: v, selected: v === m.role }, t)));
        s.addEventListener('change', async () => {
          s.disabled = true;
          try {
            await ui.api('PATCH', `${base}/memberships/${enc(m.user_id)}`, { role: s.value });
            show(region, 'ok', `Role changed to ${s.value}.`);
          } catch (e) { s.value = m.role; handle(region, e); } finally { s.disabled = false; }
        });
        return el('div', {}, s, el('p', { class: 'hint' }, 'from ' + m.role_source + (m.role_source === 'mapping' ? ' (Directory Sync decides)' : '')));
      }],
      ['', (m) => action('Remove', 'Removing…', region, async () => {
        if (!await confirmAction(`Remove ${(m.user && m.user.primary_email) || m.user_id} from ${org.name}?`, 'Remove member')) return;
        await ui.api('DELETE', `${base}/memberships/${enc(m.user_id)}`);
        list.reload();
      }, { class: 'secondary', 'aria-label': 'Remove ' + ((m.user && m.user.primary_email) || m.user_id) })],
    ], 'No members yet. Add a user by email below (create the user first under Users if needed).', { testid: 'members' });
    const add = form([
      field('User email', 'email', 'email', '', { required: true }),
      field('Role', 'role', 'select', org.default_role, { options: roles }),
    ], 'Add member', 'Adding…', region, async (v, f) => {
      const r = await ui.api('GET', '/v1/users' + qs({ email: v.email }));
      if (!r.data.length) throw new ui.ApiError(404, { code: 'user_not_found', detail: `No user has the address ${v.email}. Create the user under Users first.` });
      await ui.api('POST', base + '/memberships', { user_id: r.data[0].id, role: v.role });
      f.reset();
      list.reload();
      show(region, 'ok', `${v.email} is now a member.`);
    });
    return card('Members', region, list, el('h3', {}, 'Add a member'), add);
  }

  function orgConnectionsCard(org) {
    const region = messages();
    const protocols = [['saml', 'SAML 2.0'], ['oidc', 'OpenID Connect'], ['easie', 'EASIE (Google / Microsoft multi-tenant)']];
    const providers = Object.keys(PROVIDERS).map((p) => [p, p]);
    const create = form([
      field('Name', 'name', 'text', '', { required: true, placeholder: 'Okta' }),
      field('Protocol', 'protocol', 'select', 'saml', { options: protocols }),
      field('Provider', 'provider', 'select', 'okta', { options: providers }),
    ], 'Create connection', 'Creating…', region, async (v) => {
      const c = await ui.api('POST', '/v1/enterprise_connections', { organization_id: org.id, name: v.name, protocol: v.protocol, provider: v.provider });
      go('#/connections/' + enc(c.id));
    });
    /* only the providers that speak the chosen protocol */
    const proto = create.querySelector('select[name="protocol"]');
    const prov = create.querySelector('select[name="provider"]');
    proto.addEventListener('change', () => {
      for (const o of prov.options) o.disabled = !PROVIDERS[o.value].includes(proto.value);
      if (prov.selectedOptions[0].disabled) prov.value = [...prov.options].find((o) => !o.disabled).value;
    });
    return card('Connections', region, connectionList({ organization_id: org.id },
      'No connections yet. Create one below, then configure it with the IdP’s details.'),
    el('h3', {}, 'New connection'), create);
  }

  function connectionList(params, empty) {
    return pagedList('/v1/enterprise_connections', params, [
      ['Name', (c) => link('#/connections/' + enc(c.id), c.name)],
      ['Protocol', (c) => `${c.protocol} · ${c.provider}`],
      ['Domains', (c) => (c.domains || []).join(', ') || '—'],
      ['Status', (c) => statusBadge(c.status)],
    ], empty, { testid: 'connections' });
  }

  function portalLinkCard(base, org) {
    const region = messages();
    const out = el('div', {});
    const pick = el('div', {}, el('p', { class: 'loading' }, 'Loading members…'));
    all(base + '/memberships').then((ms) => {
      ui.clear(pick);
      const admins = ms.filter((m) => (m.permissions || []).includes('org:sys_entconns'));
      if (!org.self_serve_sso) { pick.append(el('div', { class: 'empty' }, 'Turn on Self-serve SSO in Settings first: the Security page exists only then.')); return; }
      if (!admins.length) { pick.append(el('div', { class: 'empty' }, 'No member may set up SSO (permission org:sys_entconns). Give a member the org:admin role under Members first.')); return; }
      pick.append(form([
        field('Member who opens the page', 'user_id', 'select', admins[0].user_id,
          { options: admins.map((m) => [m.user_id, (m.user && m.user.primary_email) || m.user_id]) }),
        field('Return URL', 'return_url', 'url', '', { hint: 'Optional: where the page’s “back to the app” link goes.' }),
      ], 'Create link', 'Creating link…', region, async (v) => {
        const r = await ui.api('POST', base + '/portal_links', { user_id: v.user_id, return_url: v.return_url || undefined });
        ui.clear(out).append(ui.copyField('Security page link', r.url, 'portal-link'),
          el('p', { class: 'hint' }, `Single use; expires ${ui.time(r.expires_at)}. Send it to that member only.`));
        const copy = out.querySelector('button.copy');
        if (copy) copy.focus();
      }));
    }).catch((e) => handle(region, e));
    return card('Security page link', el('p', { class: 'hint' }, 'A short-lived link that opens this organization’s Security page for one member.'), region, pick, out);
  }

  /* -- users -------------------------------------------------------------------------------- */

  function usersPage(view, query) {
    const email = query.get('email') || '';
    const status = query.get('status') || '';
    const region = messages();
    const search = form([
      field('Email address', 'email', 'search', email, { hint: 'The whole address, any case.' }),
      field('Status', 'status', 'select', status, { options: [['', 'Any'], ['active', 'Active'], ['deactivated', 'Deactivated']] }),
    ], 'Search', 'Searching…', region, async (v) => go('#/users' + qs(v)), { role: 'search', class: 'dash-inline' });
    const createMsg = messages();
    const create = form([
      field('Email address', 'email', 'email', '', { required: true }),
      field('First name', 'first_name', 'text', ''),
      field('Last name', 'last_name', 'text', ''),
    ], 'Create user', 'Creating…', createMsg, async (v) => {
      const u = await ui.api('POST', '/v1/users', { email_addresses: [v.email], first_name: v.first_name || undefined, last_name: v.last_name || undefined });
      go('#/users/' + enc(u.id));
    });
    view.append(el('h1', {}, 'Users'), region, search,
      pagedList('/v1/users', { email, status }, [
        ['Email', (u) => link('#/users/' + enc(u.id), u.primary_email || u.id)],
        ['Name', (u) => [u.first_name, u.last_name].filter(Boolean).join(' ')],
        ['Status', (u) => statusBadge(u.status)],
        ['Last sign-in', (u) => ui.time(u.last_sign_in_at)],
      ], email ? `No user has the address ${email}. Check the spelling, or create the user below.`
        : 'No users yet. They appear when people sign in through SSO or are pushed by Directory Sync; you can also create one below.', { testid: 'user-list' }),
      card('New user', createMsg, create));
  }

  async function userPage(view, id) {
    const u = await ui.api('GET', '/v1/users/' + enc(id));
    const base = '/v1/users/' + enc(u.id);
    const region = messages();
    const name = [u.first_name, u.last_name].filter(Boolean).join(' ');
    const title = el('h1', { 'data-testid': 'user-name' }, name || u.primary_email || u.id);
    const edit = form([
      field('First name', 'first_name', 'text', u.first_name),
      field('Last name', 'last_name', 'text', u.last_name),
      field('Username', 'username', 'text', u.username),
    ], 'Save changes', 'Saving…', region, async (v) => {
      const n = await ui.api('PATCH', base, { first_name: v.first_name, last_name: v.last_name, username: v.username });
      title.textContent = [n.first_name, n.last_name].filter(Boolean).join(' ') || n.primary_email;
      show(region, 'ok', 'Saved.');
    });
    const stateMsg = messages();
    const toggle = action(u.status === 'active' ? 'Deactivate user' : 'Reactivate user', 'Saving…', stateMsg, async () => {
      const to = u.status === 'active' ? 'deactivated' : 'active';
      if (to === 'deactivated' && !await confirmAction(`Deactivate ${u.primary_email}? Every session of theirs ends now.`, 'Deactivate')) return;
      await ui.api('PATCH', base, { status: to });
      render();
    }, { class: u.status === 'active' ? 'danger' : '' });
    const sessMsg = messages();
    const sessions = pagedList('/v1/sessions', { user_id: u.id }, [
      ['Session', (s) => el('code', {}, s.id)],
      ['Status', (s) => statusBadge(s.status)],
      ['Started', (s) => ui.time(s.created_at)],
      ['Organization', (s) => s.organization_id ? link('#/organizations/' + enc(s.organization_id), s.organization_id) : '—'],
      ['Last active', (s) => ui.time(s.last_active_at)],
      ['Expires', (s) => ui.time(s.expire_at || s.expires_at)],
      ['', (s) => s.status === 'active' ? action('Revoke', 'Revoking…', sessMsg, async () => {
        if (!await confirmAction('Revoke this session? The user is signed out of the app and its refresh tokens stop working.', 'Revoke session')) return;
        await ui.api('POST', `/v1/sessions/${enc(s.id)}/revoke`);
        sessions.reload();
        show(sessMsg, 'ok', 'Session revoked.');
      }, { class: 'secondary', 'aria-label': 'Revoke session ' + s.id }) : ''],
    ], 'No sessions. Sessions start when this user signs in.', { testid: 'sessions' });
    view.append(el('p', {}, link('#/users', '← Users')), title,
      el('p', {}, statusBadge(u.status), ' ', el('code', {}, u.id)),
      card('Profile',
        table([['Field', (r) => r[0]], ['Value', (r) => r[1]]], [
          ['Email addresses', (u.email_addresses || []).map((e) => e.email_address + (e.primary ? ' (primary)' : '')).join(', ')],
          ['External id', u.external_id || '—'], ['Last sign-in', ui.time(u.last_sign_in_at)],
          ['Public metadata', el('code', {}, JSON.stringify(u.public_metadata || {}))],
          ['Created', ui.time(u.created_at)]]),
        region, edit, el('div', { class: 'row' }, toggle), stateMsg),
      card('Memberships', pagedList(base + '/memberships', {}, [
        ['Organization', (m) => link('#/organizations/' + enc(m.organization_id), (m.organization && m.organization.name) || m.organization_id)],
        ['Role', (m) => m.role], ['Source', (m) => m.role_source], ['Since', (m) => ui.time(m.created_at)],
      ], 'Not a member of any organization. Add them from an organization’s Members card.')),
      card('Sessions', sessMsg, sessions));
  }

  /* -- connections ----------------------------------------------------------------------------- */

  function connectionsPage(view, query) {
    const org = query.get('organization_id') || '';
    const region = messages();
    const filter = form([field('Organization id', 'organization_id', 'search', org, { placeholder: 'org_...', hint: 'Only this organization’s connections.' })],
      'Filter', 'Filtering…', region, async (v) => go('#/connections' + qs(v)), { role: 'search' });
    view.append(el('h1', {}, 'Connections'), region, filter,
      connectionList({ organization_id: org }, 'No connections. Create one from an organization’s page (Organizations → the organization → Connections).'));
  }

  const CONN_TABS = [['settings', 'Settings'], ['attributes', 'Custom attributes'], ['mappings', 'Role mappings'],
    ['tests', 'Test sign-ins'], ['failures', 'Failed sign-ins'], ['directory', 'Directory Sync']];

  async function connectionPage(view, id, tab) {
    const c = await ui.api('GET', '/v1/enterprise_connections/' + enc(id));
    const base = '/v1/enterprise_connections/' + enc(c.id);
    tab = tab || 'settings';
    const tabs = el('nav', { class: 'dash-tabs', 'aria-label': 'Connection sections' },
      CONN_TABS.map(([k, t]) => link(`#/connections/${enc(c.id)}/${k}`, t, { 'aria-current': k === tab ? 'page' : null })));
    const region = messages();
    const statusRow = el('div', { class: 'row' }, 'Status ', statusBadge(c.status),
      c.status === 'active' ? action('Deactivate', 'Deactivating…', region, async () => {
        if (!await confirmAction(`Deactivate ${c.name}? Its users can no longer sign in through it.`, 'Deactivate')) return;
        await ui.api('POST', base + '/deactivate'); render();
      }, { class: 'secondary' }) : action('Activate', 'Activating…', region, async () => {
        await ui.api('POST', base + '/activate'); render();
      }),
      el('span', { class: 'hint' }, c.status === 'active' ? '' : 'Activation needs a passed test sign-in and a verified domain.'));
    const bodies = {
      settings: () => connSettings(c, base), attributes: () => connAttributes(base), mappings: () => connMappings(base),
      tests: () => connTests(base), failures: () => connFailures(c), directory: () => connDirectory(base),
    };
    view.append(el('p', {}, link('#/organizations/' + enc(c.organization_id), '← Organization'), ' · ', link('#/connections', 'All connections')),
      el('h1', { 'data-testid': 'connection-name' }, c.name),
      el('p', { class: 'hint' }, `${c.protocol} · ${c.provider} · `, el('code', {}, c.id)),
      statusRow, region, tabs, await (bodies[tab] || bodies.settings)());
    if (flash) { show(region, flash.kind, flash.text); flash = null; }
  }

  /* Only what changed is sent: setting a metadata URL fetches it again. */
  function changed(now, before) {
    const out = {};
    for (const [k, v] of Object.entries(now)) if (v !== before[k]) out[k] = v;
    return out;
  }

  function connSettings(c, base) {
    const region = messages();
    const s = c.saml || {}, o = c.oidc || {};
    const general = [
      field('Name', 'name', 'text', c.name, { required: true }),
      field('Domains', 'domains', 'text', (c.domains || []).join(', '), { hint: 'Comma-separated verified domains of the organization that this connection covers.' }),
      field('Default role', 'default_role', 'text', c.default_role || '', { hint: 'Optional role key for members who sign in here (else the organization’s).' }),
      field('Allow IdP-initiated sign-in', 'allow_idp_initiated', 'checkbox', c.allow_idp_initiated),
    ];
    let proto = [];
    let info = [];
    if (c.protocol === 'saml') {
      info = [ui.copyField('SP entity ID', s.sp_entity_id || ''), ui.copyField('ACS URL', s.acs_url || ''), ui.copyField('SP metadata URL', s.sp_metadata_url || '')];
      proto = [
        field('IdP metadata URL', 'idp_metadata_url', 'url', s.idp_metadata_url, { hint: 'Fetched when saved; or paste the XML below.' }),
        field('IdP metadata XML', 'idp_metadata_xml', 'textarea', '', { placeholder: s.has_idp_metadata_xml ? 'Metadata XML is set; paste new XML to replace it.' : '<md:EntityDescriptor ...' }),
        field('IdP entity ID', 'idp_entity_id', 'text', s.idp_entity_id),
        field('IdP SSO URL', 'idp_sso_url', 'url', s.idp_sso_url),
        field('IdP certificates', 'idp_certificates', 'textarea', (s.idp_certificates || []).join('\n'), { hint: 'PEM, one or more (for rotation).' }),
        field('Sign AuthnRequests', 'sign_authn_requests', 'checkbox', s.sign_authn_requests),
        field('Require encrypted assertions', 'want_encrypted_assertions', 'checkbox', s.want_encrypted_assertions),
        field('Require a signed Response', 'require_signed_response', 'checkbox', s.require_signed_response),
        field('Allow SHA-1 signatures (legacy IdPs)', 'allow_sha1', 'checkbox', s.allow_sha1),
      ];
    } else {
      info = [ui.copyField('Redirect URI', o.redirect_uri || '')];
      proto = [
        field('Issuer', 'issuer', 'url', o.issuer),
        field('Client ID', 'client_id', 'text', o.client_id),
        field('Client secret', 'client_secret', 'password', '', { placeholder: o.has_client_secret ? 'Set — leave empty to keep it' : '', hint: 'Write-only: stored encrypted, never shown.' }),
        field('Scopes', 'scopes', 'text', o.scopes, { hint: 'Must contain openid.' }),
        field('Authorization endpoint', 'authorization_endpoint', 'url', o.authorization_endpoint, { hint: 'Optional: overrides discovery.' }),
        field('Token endpoint', 'token_endpoint', 'url', o.token_endpoint),
        field('JWKS URI', 'jwks_uri', 'url', o.jwks_uri),
        field('Require verified email', 'require_email_verified', 'checkbox', o.require_email_verified !== false),
      ];
      if (c.protocol === 'easie') general.push(field('EASIE tenant', 'easie_tenant', 'text', c.easie_tenant, { hint: 'Workspace domain (Google) or directory id (Microsoft).' }));
    }
    const genKeys = ['name', 'domains', 'default_role', 'allow_idp_initiated', 'easie_tenant'];
    const f = form([el('fieldset', {}, el('legend', {}, 'General'), general),
      el('fieldset', {}, el('legend', {}, c.protocol === 'saml' ? 'SAML IdP' : 'OpenID Provider'), proto)],
    'Save settings', 'Saving…', region, async (v) => {
      const top = {}, sub = {};
      for (const [k, val] of Object.entries(v)) (genKeys.includes(k) ? top : sub)[k] = val;
      top.domains = top.domains ? top.domains.split(',').map((x) => x.trim()).filter(Boolean) : [];
      const old = { name: c.name, domains: c.domains || [], default_role: c.default_role || '', allow_idp_initiated: !!c.allow_idp_initiated, easie_tenant: c.easie_tenant || '' };
      const body = changed(top, old);
      if (JSON.stringify(top.domains) === JSON.stringify(old.domains)) delete body.domains;
      if (body.default_role === '') body.default_role = null;
      const src = (c.protocol === 'saml' ? c.saml : c.oidc) || {}; /* as saved last */
      if (c.protocol === 'saml') {
        sub.idp_certificates = sub.idp_certificates ? sub.idp_certificates.split(/(?<=-----END CERTIFICATE-----)\s*/).map((x) => x.trim()).filter(Boolean) : [];
        if (!sub.idp_metadata_xml) delete sub.idp_metadata_xml;
      } else if (!sub.client_secret) delete sub.client_secret;
      const subOld = Object.assign({ require_email_verified: true }, src, { idp_certificates: src.idp_certificates || [] });
      /* PEM compares without its line breaks: the server may keep it differently wrapped */
      const same = (k, a, b) => k === 'idp_certificates'
        ? JSON.stringify(a.map((x) => x.replace(/\s+/g, ''))) === JSON.stringify(b.map((x) => x.replace(/\s+/g, '')))
        : JSON.stringify(a) === JSON.stringify(b);
      const subBody = {};
      for (const [k, val] of Object.entries(sub)) {
        const was = subOld[k] === undefined || subOld[k] === null ? (typeof val === 'boolean' ? false : '') : subOld[k];
        if (!same(k, val, was)) subBody[k] = val === '' ? null : val;
      }
      if (Object.keys(subBody).length) body[c.protocol === 'saml' ? 'saml' : 'oidc'] = subBody;
      if (!Object.keys(body).length) { show(region, 'info', 'Nothing changed.'); return; }
      const r = await ui.api('PATCH', base, body);
      const warn = (r.warnings || []).map((w) => w.message || w.code).join(' ');
      /* drawn again from what the server now holds (a fetched metadata URL fills several fields) */
      flash = { kind: warn ? 'warn' : 'ok', text: 'Saved.' + (warn ? ' ' + warn : '') };
      render();
    }, { 'data-testid': 'connection-settings' });
    const refresh = c.protocol === 'saml' && s.idp_metadata_url ? action('Refresh IdP metadata', 'Fetching metadata…', region, async () => {
      await ui.api('POST', base + '/refresh_metadata');
      show(region, 'ok', 'Metadata fetched again.');
    }, { class: 'secondary' }) : null;
    const delMsg = messages();
    const del = action('Delete connection', 'Deleting…', delMsg, async () => {
      if (!await confirmAction(`Delete the connection ${c.name}? Its users can no longer sign in through it.`, 'Delete connection')) return;
      await ui.api('DELETE', base);
      go('#/organizations/' + enc(c.organization_id));
    }, { class: 'danger' });
    return el('div', {},
      card('Values for the IdP', el('p', { class: 'hint' }, 'Paste these into the IdP’s application settings.'), info),
      card('Settings', region, f, el('div', { class: 'row' }, refresh, del), delMsg));
  }

  async function connAttributes(base) {
    const region = messages();
    const list = el('div', { 'data-testid': 'attributes' });
    async function load() {
      const attrs = await all(base + '/custom_attributes');
      ui.clear(list);
      if (!attrs.length) { list.append(el('div', { class: 'empty' }, 'No custom attributes. Add one below to copy an IdP attribute (SAML, OIDC or SCIM) into the user’s public_metadata.')); return; }
      list.append(table([
        ['Key', (a) => el('code', {}, a.key)], ['SAML attribute', (a) => a.saml_attribute || '—'],
        ['OIDC claim', (a) => a.oidc_claim || '—'], ['SCIM path', (a) => a.scim_attribute || '—'],
        ['Multi-valued', (a) => a.multi_valued ? 'yes' : 'no'],
        ['', (a) => el('div', { class: 'row' },
          action('Edit', 'Opening…', region, async () => { editAttr(a); }, { class: 'secondary', 'aria-label': 'Edit ' + a.key }),
          action('Delete', 'Deleting…', region, async () => {
            if (!await confirmAction(`Delete the custom attribute ${a.key}?`, 'Delete attribute')) return;
            await ui.api('DELETE', `${base}/custom_attributes/${enc(a.id)}`);
            await load();
          }, { class: 'secondary', 'aria-label': 'Delete ' + a.key }))],
      ], attrs));
    }
    const editor = el('div', {});
    function attrForm(a, label, fn) {
      return form([
        field('Key (public_metadata)', 'key', 'text', a.key, { required: true }),
        field('SAML attribute', 'saml_attribute', 'text', a.saml_attribute),
        field('OIDC claim', 'oidc_claim', 'text', a.oidc_claim),
        field('SCIM path', 'scim_attribute', 'text', a.scim_attribute, { placeholder: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department' }),
        field('Multi-valued (always an array)', 'multi_valued', 'checkbox', a.multi_valued),
      ], label, 'Saving…', region, async (v) => {
        for (const k of ['saml_attribute', 'oidc_claim', 'scim_attribute']) if (v[k] === '') v[k] = null;
        await fn(v);
        await load();
      });
    }
    function editAttr(a) {
      ui.clear(editor).append(el('h3', {}, 'Edit ' + a.key), attrForm(a, 'Save attribute', async (v) => {
        await ui.api('PATCH', `${base}/custom_attributes/${enc(a.id)}`, v);
        ui.clear(editor);
        show(region, 'ok', `Saved ${v.key}.`);
      }));
      editor.querySelector('input').focus();
    }
    await load();
    return card('Custom attributes', region, list, editor, el('h3', {}, 'Add an attribute'),
      attrForm({}, 'Add attribute', async (v) => {
        for (const k of Object.keys(v)) if (v[k] === null) delete v[k];
        await ui.api('POST', base + '/custom_attributes', v);
        show(region, 'ok', `Added ${v.key}.`);
      }));
  }

  async function connMappings(base) {
    const region = messages();
    const [maps, groups, roles] = await Promise.all([
      ui.api('GET', base + '/role_mappings'), all(base + '/directory_groups').catch(() => []), roleOptions()]);
    let rows = (maps.data || []).map((m) => ({ group_id: m.group_id, name: m.group_display_name || m.group_id, role: m.role }));
    const groupName = (id) => (groups.find((g) => g.id === id) || {}).display_name || id;
    const list = el('ol', { class: 'dash-mappings', 'data-testid': 'mappings' });
    const dirty = el('p', { class: 'hint', role: 'status' });
    const mark = () => { dirty.textContent = 'Unsaved changes: press Save order and roles.'; };
    function draw(focusName) {
      ui.clear(list);
      if (!rows.length) list.append(el('li', { class: 'empty' }, groups.length ? 'No mappings: every member gets the organization’s default role. Add a group below.' : 'No groups yet: turn on Directory Sync and let the IdP push groups, then map them here.'));
      rows.forEach((r, i) => {
        const sel = el('select', { 'aria-label': 'Role for ' + r.name }, roles.map(([v, t]) => el('option', { value: v, selected: v === r.role }, t)));
        sel.addEventListener('change', () => { r.role = sel.value; mark(); });
        const move = (d, label) => {
          const b = el('button', { type: 'button', class: 'secondary', 'aria-label': `Move ${r.name} ${label}`, disabled: i + d < 0 || i + d >= rows.length, 'data-focus': `${label}:${r.group_id}` }, label === 'up' ? '↑ Up' : '↓ Down');
          b.addEventListener('click', () => { const [x] = rows.splice(i, 1); rows.splice(i + d, 0, x); mark(); draw(`${label}:${r.group_id}`); });
          return b;
        };
        const rm = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Remove mapping of ' + r.name }, 'Remove');
        rm.addEventListener('click', () => { rows.splice(i, 1); mark(); draw(); });
        list.append(el('li', { 'data-group': r.group_id }, el('span', { class: 'dash-rank' }, String(i + 1)),
          el('strong', { class: 'dash-group' }, r.name), sel, move(-1, 'up'), move(1, 'down'), rm));
      });
      if (focusName) {
        const b = list.querySelector(`[data-focus="${CSS.escape(focusName)}"]`);
        if (b && !b.disabled) b.focus();
        else { const other = list.querySelector(`[data-focus$=":${CSS.escape(focusName.split(':')[1])}"]`); if (other) other.focus(); }
      }
    }
    draw();
    const add = groups.length ? form([
      field('Group', 'group_id', 'select', '', { options: groups.map((g) => [g.id, `${g.display_name} (${g.member_count} members)`]) }),
      field('Role', 'role', 'select', 'org:member', { options: roles }),
    ], 'Add mapping', 'Adding…', region, async (v) => {
      if (rows.some((r) => r.group_id === v.group_id)) throw invalid('That group is mapped already: change its role in the list instead.');
      rows.push({ group_id: v.group_id, name: groupName(v.group_id), role: v.role }); mark(); draw();
    }) : null;
    const save = action('Save order and roles', 'Saving…', region, async () => {
      const r = await ui.api('PUT', base + '/role_mappings', { data: rows.map((x) => ({ group_id: x.group_id, role: x.role })) });
      dirty.textContent = '';
      show(region, 'ok', r.job_id ? `Saved. Members’ roles are being re-resolved in the background (job ${r.job_id}; see Directory Sync → Jobs).` : 'Saved. Members’ roles follow the new order.');
    });
    return card('Role mappings', el('p', { class: 'hint' }, 'A member gets the role of the first group in this list that they belong to.'),
      region, list, el('div', { class: 'row' }, save, dirty), add ? el('h3', {}, 'Map another group') : null, add);
  }

  function connTests(base) {
    const region = messages();
    const list = el('div', { 'data-testid': 'tests' });
    function result(t) {
      const rows = Object.entries(t.attributes || {});
      return el('div', { class: 'card dash-test', 'data-testid': 'test-' + t.id },
        el('div', { class: 'row' }, statusBadge(t.status), el('code', {}, t.id), el('span', { class: 'hint' }, ui.time(t.created_at))),
        t.status === 'pending' ? el('p', {}, 'Open this link in a browser and sign in at the IdP: ',
          el('a', { href: t.url, target: '_blank', rel: 'noopener' }, 'run the test sign-in'),
          el('span', { class: 'hint', role: 'status' }, ' — waiting for the result…')) : null,
        t.email ? el('p', {}, 'Email: ', el('strong', {}, t.email)) : null,
        t.name_id ? el('p', {}, 'NameID / subject: ', el('code', {}, t.name_id)) : null,
        (t.problems || []).length ? el('ul', { class: 'dash-problems' }, t.problems.map((p) => el('li', {}, el('code', {}, p.code), ' ', p.message || p.detail || ''))) : null,
        rows.length ? el('details', {}, el('summary', {}, `Attributes received (${rows.length})`),
          table([['Name', (r) => r[0]], ['Values', (r) => (Array.isArray(r[1]) ? r[1] : [r[1]]).map((x) => typeof x === 'string' ? x : JSON.stringify(x)).join(', ')]], rows)) : null);
    }
    const pending = new Set();
    async function load() {
      const mine = renderId;
      const r = await ui.api('GET', `${base}/test_sign_ins?limit=10`);
      if (mine !== renderId) return;
      ui.clear(list);
      const found = r.data || [];
      if (!found.length) list.append(el('div', { class: 'empty' }, 'No test sign-ins yet. Start one: it checks the IdP settings without creating users.'));
      else if (r.total_count > found.length) list.append(el('p', { class: 'hint' }, `The latest ${found.length} of ${r.total_count}.`));
      /* a test that just passed moved the connection to tested: show its new status */
      if (found.some((t) => pending.has(t.id) && t.status === 'passed')) { render(); return; }
      found.forEach((t) => list.append(result(t)));
      found.forEach((t) => { if (t.status === 'pending') pending.add(t.id); });
      if (found.some((t) => t.status === 'pending')) setTimeout(() => { if (mine === renderId) load().catch((e) => handle(region, e)); }, 2000);
    }
    const start = action('Start a test sign-in', 'Starting…', region, async () => {
      const t = await ui.api('POST', base + '/test_sign_ins');
      pending.add(t.id);
      await load();
    });
    load().catch((e) => handle(region, e));
    return card('Test sign-ins', el('p', { class: 'hint' }, 'A passed test moves a draft connection to tested, which activation needs.'),
      region, el('div', { class: 'row' }, start), list);
  }

  function connFailures(c) {
    return card('Failed sign-ins', pagedList('/v1/sign_in_failures', { connection_id: c.id }, [
      ['When', (f) => ui.time(f.created_at)], ['Problem', (f) => el('code', {}, f.code)],
      ['Detail', (f) => f.detail || ''], ['Request id', (f) => f.request_id ? el('code', {}, f.request_id) : '—'],
    ], 'No failed sign-ins through this connection.', { testid: 'failures' }));
  }

  /* made: the answer of turning it on, whose token is shown this once */
  async function connDirectory(base, made) {
    const region = messages();
    /* a directory never turned on is a 404 of its own: the same as off */
    const d = await ui.api('GET', base + '/directory_sync').catch((e) => {
      if (e.code === 'directory_not_found') return { enabled: false };
      throw e;
    });
    const secret = el('div', {});
    function shownOnce(r) {
      ui.clear(secret).append(ui.alertBox('warn', 'Copy the token now: it is shown only once. Paste it with the SCIM base URL into the IdP’s provisioning settings.'),
        ui.copyField('Bearer token', r.bearer_token, 'scim-token'));
    }
    if (!d.enabled) {
      const off = card('Directory Sync', region, el('div', { class: 'empty' }, 'Directory Sync is off. Turn it on to get a SCIM base URL and token for the IdP.'),
        el('div', { class: 'row' }, action('Turn on Directory Sync', 'Turning on…', region, async () => {
          const r = await ui.api('POST', base + '/directory_sync');
          off.replaceWith(await connDirectory(base, r));
        })));
      return off;
    }
    if (made) shownOnce(made);
    const sub = el('div', {});
    const tabs = [['users', 'Users'], ['groups', 'Groups'], ['requests', 'SCIM requests'], ['jobs', 'Jobs']];
    const tabBar = el('div', { class: 'row', role: 'group', 'aria-label': 'Directory views' });
    let jobsBox = null;
    const lists = {
      users: () => pagedList(base + '/directory_users', {}, [
        ['User', (u) => u.user_id ? link('#/users/' + enc(u.user_id), u.primary_email || u.user_name) : (u.user_name || u.id)],
        ['userName', (u) => u.user_name], ['Status', (u) => statusBadge(u.status)], ['Last synced', (u) => ui.time(u.last_synced_at)],
      ], 'No users provisioned yet. Assign people to the application in the IdP; they appear here after its next push.', { testid: 'dir-users' }),
      groups: () => pagedList(base + '/directory_groups', {}, [
        ['Group', (g) => g.display_name], ['Members', (g) => String(g.member_count)], ['Id', (g) => el('code', {}, g.id)],
      ], 'No groups yet. Push groups from the IdP, then map them under Role mappings.', { testid: 'dir-groups' }),
      requests: () => pagedList(base + '/directory_sync/requests', {}, [
        ['When', (r) => ui.time(r.created_at)], ['Request', (r) => el('code', {}, `${r.method} ${r.path}`)],
        ['Status', (r) => badge(String(r.status), r.status < 300 ? 'ok' : r.status < 500 ? 'warn' : 'bad')],
        ['Detail', (r) => [r.scim_type ? el('code', {}, r.scim_type) : null, ' ', r.detail || '',
          r.request_body ? el('details', {}, el('summary', {}, 'Body'), el('pre', { class: 'dash-pre' }, typeof r.request_body === 'string' ? r.request_body : JSON.stringify(r.request_body, null, 2))) : null]],
      ], 'No SCIM requests yet. They are logged here once the IdP calls the SCIM base URL with the token.', { testid: 'dir-requests' }),
      jobs: () => jobsBox = pagedList(base + '/directory_sync/jobs', {}, [
        ['Job', (j) => el('code', {}, j.id)], ['Reason', (j) => j.reason || ''], ['Status', (j) => statusBadge(j.status)],
        ['Progress', (j) => el('div', { class: 'dash-progress' },
          el('progress', { max: Math.max(j.total || 0, 1), value: j.total ? j.done : (j.status === 'succeeded' ? 1 : 0), 'aria-label': `Job ${j.id} progress` }),
          ` ${j.done || 0} of ${j.total || 0}`, j.error ? el('p', { class: 'hint' }, j.error) : null)],
      ], 'No role re-resolution jobs. They start when a mapping change affects more than 100 members.', {
        testid: 'dir-jobs',
        /* while a job runs, its progress is read again every 2 s */
        onLoad: (page) => {
          const mine = renderId;
          if (page.some((j) => j.status === 'pending' || j.status === 'running'))
            setTimeout(() => { if (mine === renderId && jobsBox && jobsBox.isConnected) jobsBox.reload(); }, 2000);
        },
      }),
    };
    function open(k) {
      for (const b of tabBar.children) b.setAttribute('aria-pressed', String(b.dataset.k === k));
      ui.clear(sub).append(lists[k]());
    }
    for (const [k, t] of tabs) {
      const b = el('button', { type: 'button', class: 'secondary', dataset: { k } }, t);
      b.addEventListener('click', () => open(k));
      tabBar.append(b);
    }
    open('users');
    return card('Directory Sync', region, secret,
      ui.copyField('SCIM base URL', d.scim_base_url),
      el('p', { 'data-testid': 'dir-state' }, badge('on', 'ok'), ` Token ${d.token_hint || ''}, created ${ui.time(d.token_created_at)} · ${plural(d.users_count, 'user')} · ${plural(d.groups_count, 'group')}`),
      el('div', { class: 'row' },
        action('Rotate token', 'Rotating…', region, async () => {
          if (!await confirmAction('Make a new token? The current one keeps working for 10 minutes: paste the new one into the IdP now.', 'Rotate token')) return;
          shownOnce(await ui.api('POST', base + '/directory_sync/rotate_token'));
        }, { class: 'secondary' }),
        action('Turn off Directory Sync', 'Turning off…', region, async () => {
          if (!await confirmAction('Turn off Directory Sync? The IdP can no longer push changes; mapped roles become manual.', 'Turn off')) return;
          await ui.api('DELETE', base + '/directory_sync'); render();
        }, { class: 'danger' })),
      tabBar, sub);
  }

  /* -- webhooks --------------------------------------------------------------------------------- */

  function eventChecks(selected) {
    return el('fieldset', { class: 'dash-events' }, el('legend', {}, 'Events (none checked: every event)'),
      EVENT_TYPES.map((t) => field(t, 'ev:' + t, 'checkbox', (selected || []).includes(t))));
  }

  const pickedEvents = (v) => Object.keys(v).filter((k) => k.startsWith('ev:') && v[k]).map((k) => k.slice(3));

  function webhooksPage(view) {
    const region = messages();
    const secret = el('div', {});
    const list = pagedList('/v1/webhook_endpoints', {}, [
      ['URL', (w) => link('#/webhooks/' + enc(w.id), w.url)], ['Events', (w) => (w.events || []).length ? w.events.join(', ') : 'all'],
      ['Enabled', (w) => w.enabled ? badge('yes', 'ok') : badge('no', 'bad')], ['Description', (w) => w.description || ''],
    ], 'No webhook endpoints. Add your app’s URL below to receive signed events.', { testid: 'endpoints' });
    const create = form([
      field('URL', 'url', 'url', '', { required: true, placeholder: 'https://app.example.com/webhooks/gatehouse' }),
      field('Description', 'description', 'text', ''), eventChecks([]),
    ], 'Add endpoint', 'Adding…', region, async (v, f) => {
      const w = await ui.api('POST', '/v1/webhook_endpoints', { url: v.url, description: v.description || undefined, events: pickedEvents(v) });
      f.reset();
      ui.clear(secret).append(ui.alertBox('warn', 'Copy the signing secret now: it is shown only once.'), ui.copyField('Signing secret', w.secret, 'webhook-secret'));
      list.reload();
    });
    view.append(el('h1', {}, 'Webhooks'), list, card('New endpoint', region, secret, create));
  }

  async function webhookPage(view, id) {
    const w = await ui.api('GET', '/v1/webhook_endpoints/' + enc(id));
    const base = '/v1/webhook_endpoints/' + enc(w.id);
    const region = messages();
    const edit = form([
      field('URL', 'url', 'url', w.url, { required: true }), field('Description', 'description', 'text', w.description),
      field('Enabled', 'enabled', 'checkbox', w.enabled), eventChecks(w.events),
    ], 'Save endpoint', 'Saving…', region, async (v) => {
      await ui.api('PATCH', base, { url: v.url, description: v.description, enabled: v.enabled, events: pickedEvents(v) });
      show(region, 'ok', 'Saved.');
    });
    const delMsg = messages();
    const del = action('Delete endpoint', 'Deleting…', delMsg, async () => {
      if (!await confirmAction(`Delete the endpoint ${w.url}? Its deliveries stop.`, 'Delete endpoint')) return;
      await ui.api('DELETE', base); go('#/webhooks');
    }, { class: 'danger' });
    const dmsg = messages();
    const deliveries = pagedList(base + '/deliveries', {}, [
      ['Event', (d) => el('div', {}, el('strong', {}, d.event_type), el('br'), el('code', {}, d.event_id))],
      ['Status', (d) => statusBadge(d.status)],
      ['Last HTTP status', (d) => d.last_status_code ? badge(String(d.last_status_code), d.last_status_code < 300 ? 'ok' : 'bad') : '—'],
      ['Attempts', (d) => el('details', {}, el('summary', {}, String(d.attempts_count)),
        table([['Time', (a) => ui.time(a.created_at || a.attempted_at)], ['HTTP', (a) => a.status_code ? String(a.status_code) : '—'], ['ms', (a) => String(a.duration_ms ?? '')], ['Error', (a) => a.error || '']], d.attempts || []))],
      ['Next attempt', (d) => ui.time(d.next_attempt_at)],
      ['', (d) => action('Retry', 'Retrying…', dmsg, async () => {
        await ui.api('POST', `${base}/deliveries/${enc(d.event_id)}/retry`);
        show(dmsg, 'info', `Delivering ${d.event_id} again…`);
        /* the button stays busy until the new attempt is recorded (or 15 s pass) */
        const mine = renderId;
        for (let i = 0; i < 15 && mine === renderId; i++) {
          await new Promise((ok) => setTimeout(ok, 1000));
          const r = await ui.api('GET', `${base}/deliveries?limit=100`);
          const now = (r.data || []).find((x) => x.event_id === d.event_id);
          if (now && now.attempts_count > d.attempts_count) {
            deliveries.reload();
            show(dmsg, now.last_status_code >= 200 && now.last_status_code < 300 ? 'ok' : 'warn',
              `Delivered ${d.event_id} again: the endpoint answered ${now.last_status_code || 'nothing'} (${now.status}).`);
            return;
          }
        }
        if (mine === renderId) show(dmsg, 'warn', `Delivery of ${d.event_id} is queued, but no attempt is recorded yet. Press Refresh in a moment.`);
      }, { class: 'secondary', 'aria-label': 'Retry ' + d.event_id })],
    ], 'No deliveries yet. Events matching this endpoint’s filter are delivered as they happen.', { testid: 'deliveries' });
    view.append(el('p', {}, link('#/webhooks', '← Webhooks')), el('h1', {}, w.url),
      card('Deliveries', dmsg, el('div', { class: 'row' }, el('button', { type: 'button', class: 'secondary', onclick: () => deliveries.reload() }, 'Refresh')), deliveries),
      card('Endpoint', region, edit, el('div', { class: 'row' }, del), delMsg));
  }

  /* -- audit log -------------------------------------------------------------------------------- */

  function auditPage(view, query) {
    const f = {};
    for (const k of ['organization_id', 'action', 'target_id', 'actor_type']) f[k] = query.get(k) || '';
    const region = messages();
    const filters = form([
      field('Organization id', 'organization_id', 'text', f.organization_id, { placeholder: 'org_...' }),
      field('Action', 'action', 'text', f.action, { placeholder: 'organization.updated' }),
      field('Target id', 'target_id', 'text', f.target_id),
      field('Actor type', 'actor_type', 'select', f.actor_type, { options: [['', 'Any'], ['secret_key', 'Secret key'], ['operator', 'Operator'], ['cli', 'CLI'], ['scim', 'SCIM'], ['system', 'System'], ['user', 'Security page (organization admin)']] }),
    ], 'Apply filters', 'Loading…', region, async (v) => go('#/audit' + qs(v)), { role: 'search', class: 'dash-filters' });
    view.append(el('h1', {}, 'Audit log'), region, filters,
      pagedList('/v1/audit_events', f, [
        ['When', (e) => ui.time(e.created_at)],
        ['Actor', (e) => e.actor ? `${e.actor.type} ${e.actor.id || ''}` : ''],
        ['Action', (e) => el('code', {}, e.action)],
        ['Target', (e) => {
          const d = e.data || {};
          const label = d.name || d.primary_email || d.url || d.key || (d.user && d.user.primary_email) || '';
          return e.target ? el('div', {}, e.target.type + ' ', label ? el('strong', {}, label) : null, el('br'), el('code', {}, e.target.id || '')) : '';
        }],
        ['Details', (e) => e.data ? el('details', {}, el('summary', {}, 'Data'), el('pre', { class: 'dash-pre' }, JSON.stringify(e.data, null, 2))) : ''],
      ], Object.values(f).some(Boolean) ? 'No events match these filters. Clear a filter to see more.' : 'No events yet. Every change made through the API, the CLI or this dashboard appears here.', { testid: 'audit', limit: 50 }));
  }

  /* -- start ------------------------------------------------------------------------------------ */

  window.addEventListener('hashchange', () => { if (session) render(true); });
  (async () => {
    try {
      session = await ui.api('GET', '/dashboard/api/session');
      ui.setCsrf(session.csrf_token);
      render();
    } catch (e) {
      session = null;
      signInPage(e.status === 401 ? null : explain(e), 'error');
    }
  })();
})();
