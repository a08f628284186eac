/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The organization's Security page: an IT admin sets up SSO step by step
 * (Domains → Connection → Test → Activate → Directory Sync) through
 * /portal/api. Everything from the server is put into the page as text
 * (ui.el), never as HTML. See web/ui.js for the shared helpers.
 */
'use strict';

(() => {
  const el = ui.el;
  const API = '/portal/api';
  const main = document.getElementById('main');

  const PROVIDERS = {
    okta: { label: 'Okta', protocol: 'saml' },
    google_workspace: { label: 'Google Workspace', protocol: 'saml' },
    microsoft_entra_id: { label: 'Microsoft Entra ID', protocol: 'saml' },
    custom_saml: { label: 'Another SAML 2.0 identity provider', protocol: 'saml' },
    custom_oidc: { label: 'Another OpenID Connect provider', protocol: 'oidc' },
  };
  const STEPS = [
    ['domains', 'Domains'], ['connection', 'Connection'], ['test', 'Test'],
    ['activate', 'Activate'], ['directory_sync', 'Directory Sync'],
  ];

  const state = {
    session: null, org: null, domains: [], conn: null, dir: null,
    checked: {},      /* domain id → true once verified from this page */
    token: null,      /* the SCIM token, only right after enable/rotate */
    test: null,       /* the last test sign-in */
    saved: null,      /* {kind, text, warnings} after a connection save */
    users: null,      /* the directory users list */
    confirmLive: false, confirmRemove: null,
  };
  const slots = {};   /* section name → its element */
  let dirTimer = null;
  let testTimer = null;

  /* -- errors in plain words ----------------------------------------------------------- */

  const FIXES = {
    network: 'Check your connection, then try again.',
    session_expired: 'Go back to the application and open the Security page again.',
    missing_permission: 'Ask an administrator of your organization for the permission to manage SSO.',
    csrf_token_invalid: 'Reload the page and try again.',
    public_mail_domain: 'Add the domain your company owns (the part after @ in your work email), not a public mail provider.',
    domain_taken: 'Another organization has verified this domain. If it should be yours, contact the application\'s support.',
    domain_exists: 'This domain is already in the list below.',
    invalid_domain: 'Type only the domain name, like example.com (no https://, no @).',
    metadata_unreachable: 'Check the metadata URL (copy it again from your identity provider). It must be reachable from the internet without signing in; otherwise download the metadata file and paste its XML instead.',
    invalid_metadata: 'This is not SAML identity provider metadata. Copy the IdP metadata (an XML document that starts with <EntityDescriptor>) from your identity provider.',
    no_signing_certificate: 'The metadata has no signing certificate. Make sure your identity provider has an active signing certificate, then copy the metadata again.',
    invalid_certificate: 'Paste the certificate in PEM form, starting with -----BEGIN CERTIFICATE-----.',
    invalid_url: 'Enter a complete https:// address.',
    connection_not_tested: 'Run a test sign-in that passes first (step 3).',
    no_verified_domain: 'Verify at least one domain first (step 1).',
    domain_has_active_connection: 'Another active connection already covers this domain: deactivate it first.',
    connection_incomplete: 'Enter your identity provider\'s details in step 2 first.',
    directory_sync_enabled: 'Directory Sync is already on.',
    operator_only_field: 'This setting is managed by the application\'s team; contact them to change it.',
  };

  function explain(e) {
    const msg = e && e.message ? e.message : String(e);
    const fix = e && FIXES[e.code];
    return fix ? msg.replace(/\.?$/, '. ') + fix : msg;
  }

  function failBox(e) {
    if (e && e.status === 401) return ui.alertBox('error', 'Your Security page session has ended. ' + FIXES.session_expired);
    return ui.alertBox('error', explain(e));
  }

  /* Sets the message area of a section (replacing what it said before). */
  function say(section, node) {
    const box = slots[section] && slots[section].querySelector('.msg');
    if (box) ui.clear(box).append(node);
  }

  const api = (method, path, body) => ui.api(method, API + path, body);

  /* Node.append turns null into the text "null": leave absent parts out. */
  function put(node, ...kids) {
    node.append(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));
    return node;
  }

  /* -- loading -------------------------------------------------------------------------- */

  async function load() {
    const [org, domains] = await Promise.all([api('GET', '/organization'), api('GET', '/domains?limit=100')]);
    state.org = org;
    state.domains = domains.data;
    state.conn = org.connection_id ? await api('GET', '/connections/' + org.connection_id) : null;
    state.dir = null;
    if (state.conn) {
      try { state.dir = await api('GET', `/connections/${state.conn.id}/directory_sync`); } catch (e) {
        if (e.status !== 404) throw e;
      }
    }
  }

  async function reload() {
    await load();
    render();
  }

  /* Runs an action on a button: busy text while it runs, the explained error if it fails. */
  async function act(section, button, busyText, fn) {
    const label = button.getAttribute('aria-label') || button.textContent;
    try {
      await ui.busy(button, busyText, fn);
    } catch (e) {
      say(section, failBox(e));
      return false;
    }
    if (!document.body.contains(button)) restoreFocus(section, label);
    return true;
  }

  /* After a re-render, keyboard focus goes back where it was (or to the step's heading). */
  function restoreFocus(section, label) {
    const s = document.getElementById('step-' + section);
    if (!s) return;
    const same = Array.from(s.querySelectorAll('button')).find((b) =>
      (b.getAttribute('aria-label') || b.textContent) === label && !b.disabled);
    const h = s.querySelector('h2');
    if (same) { same.focus(); return; }
    h.setAttribute('tabindex', '-1');
    h.focus();
  }

  /* -- small builders -------------------------------------------------------------------- */

  let nextId = 0;
  function control(label, input, hint) {
    const id = input.id || ('f' + (++nextId));
    input.id = id;
    const hintId = hint ? id + '-hint' : null;
    if (hintId) input.setAttribute('aria-describedby', hintId);
    return el('div', { class: 'field' }, el('label', { for: id }, label), input,
      hint ? el('p', { class: 'hint', id: hintId }, hint) : null);
  }

  function badge(status) {
    const kind = { verified: 'ok', active: 'ok', passed: 'ok', tested: 'ok', failed: 'bad', inactive: 'warn' }[status] || '';
    return el('span', { class: 'badge ' + kind }, status);
  }

  function section(name, number, title, intro) {
    const s = el('section', { class: 'card step-card', id: 'step-' + name, 'aria-labelledby': 'h-' + name },
      el('h2', { id: 'h-' + name }, `${number}. ${title}`),
      intro ? el('p', { class: 'hint' }, intro) : null,
      el('div', { class: 'msg' }));
    slots[name] = s;
    return s;
  }

  function progress(text) {
    return el('p', { class: 'progress', role: 'status' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
  }

  /* -- header and step list -------------------------------------------------------------- */

  function renderTop() {
    const who = document.getElementById('whoami');
    if (!who) return;
    const s = state.session;
    ui.clear(who).append(el('span', {}, 'Signed in as ' + (s.principal.name || s.principal.id)));
    if (s.return_url && /^https?:\/\//i.test(s.return_url)) {
      who.append(' · ', el('a', { href: s.return_url, 'data-testid': 'back-link' }, 'Back to the application'));
    }
    const out = el('button', { type: 'button', class: 'secondary small' }, 'Sign out');
    out.addEventListener('click', () => signOut(out));
    who.append(' ', out);
  }

  function renderSteps() {
    const st = state.org.steps;
    const list = el('ol', { class: 'steps', 'aria-label': 'Setup progress' });
    STEPS.forEach(([key, label], i) => {
      const done = st[key] && st[key].done;
      const current = st.current === key;
      list.append(el('li', { class: done ? 'done' : current ? 'current' : '', 'data-step': key,
        'aria-current': current ? 'step' : null },
      el('a', { href: '#step-' + key }, `${i + 1}. ${label}`),
      el('span', { class: 'visually-hidden' }, done ? ' (done)' : current ? ' (current step)' : ' (to do)'),
      done ? el('span', { 'aria-hidden': 'true' }, ' ✓') : null));
    });
    return list;
  }

  function render() {
    stopDirPolling();
    renderTop();
    const org = state.org;
    const done = org.steps.current === 'done';
    put(ui.clear(main),
      el('h1', {}, 'Single sign-on for ', el('span', { 'data-testid': 'org-name' }, org.name)),
      renderSteps(),
      done ? ui.alertBox('ok', 'Everything is set up: your people sign in through your identity provider, and Directory Sync keeps their accounts up to date.') : null,
      renderDomains(), renderConnection(), renderTest(), renderActivate(), renderDirectory());
  }

  /* -- 1. Domains ------------------------------------------------------------------------ */

  function domainNote(d) {
    const v = d.verification;
    if (v.status === 'verified') {
      return ui.alertBox('ok', `${d.name} is verified` + (v.verified_at ? ` (since ${ui.time(v.verified_at)})` : '') + '.');
    }
    if (!v.failure) return null;
    const when = v.last_checked_at ? ` Last checked ${ui.time(v.last_checked_at)}.` : '';
    const f = v.failure;
    if (f.code === 'record_mismatch') {
      return ui.alertBox('error', 'A TXT record exists, but with another value: ' + f.message + '. Copy the value above exactly (without extra quotes or spaces), then press Verify again.' + when);
    }
    if (f.code === 'record_not_found') {
      return ui.alertBox('warn', 'Not found yet: ' + f.message + '. New DNS records can take a few minutes (sometimes up to an hour) to appear; press Verify again later.' + when);
    }
    return ui.alertBox('warn', 'Could not check yet: ' + f.message + '. Try again in a few minutes.' + when);
  }

  /* A verified domain's rule: must its people sign in through the IdP? */
  function enforceControl(d) {
    const id = 'enforce-' + d.id;
    const box = el('input', { type: 'checkbox', id, checked: d.sso_enforced ? true : null,
      'aria-describedby': id + '-hint' });
    box.addEventListener('change', async () => {
      const on = box.checked;
      const ok = await act('domains', box, 'Saving…', async () => {
        await api('PATCH', `/domains/${d.id}`, { sso_enforced: on });
        await reload();
      });
      if (ok) {
        say('domains', ui.alertBox('ok', on
          ? `Single sign-on is now required for @${d.name} addresses (once a connection is active).`
          : `People with @${d.name} addresses may now sign in without your identity provider.`));
      }
      const again = document.getElementById(id);
      if (again) again.focus();
    });
    return el('div', { class: 'enforce' },
      el('div', { class: 'row' }, box,
        el('label', { for: id, class: 'inline' }, `Require single sign-on for @${d.name} addresses`)),
      el('p', { class: 'hint', id: id + '-hint' },
        'When on and a connection is active, people with these addresses must sign in through ' +
        'your identity provider. Turn it off for a domain whose people sign in another way, ' +
        'such as contractors.'));
  }

  function domainCard(d) {
    const v = d.verification;
    const card = el('div', { class: 'domain', 'data-testid': 'domain-' + d.name },
      el('h3', {}, el('span', { class: 'domain-name' }, d.name), ' ', badge(v.status)));
    if (v.status !== 'verified') {
      card.append(el('p', {}, 'Add this TXT record at your DNS provider (where your domain\'s records are managed):'),
        ui.copyField('Name (host)', v.txt_record_name, 'txt-name-' + d.name),
        ui.copyField('Value', v.txt_record_value, 'txt-value-' + d.name));
    }
    const note = domainNote(d);
    if (note) put(card, el('div', { 'data-testid': 'domain-note-' + d.name }, note));
    if (v.status === 'verified') card.append(enforceControl(d));
    const row = el('div', { class: 'row' });
    if (v.status !== 'verified') {
      const b = el('button', { type: 'button', 'aria-label': 'Verify ' + d.name }, 'Verify');
      b.addEventListener('click', () => act('domains', b, 'Checking DNS…', async () => {
        await api('POST', `/domains/${d.id}/verify`);
        await reload();
        say('domains', ui.alertBox('info', `Checked ${d.name} just now.`));
      }));
      row.append(b);
    }
    if (state.confirmRemove === d.id) {
      const yes = el('button', { type: 'button', class: 'danger' }, 'Remove ' + d.name);
      yes.addEventListener('click', () => act('domains', yes, 'Removing…', async () => {
        state.confirmRemove = null;
        await api('DELETE', `/domains/${d.id}`);
        await reload();
      }));
      const no = el('button', { type: 'button', class: 'secondary' }, 'Keep it');
      no.addEventListener('click', () => { state.confirmRemove = null; render(); });
      row.append(el('span', {}, 'People of this domain will no longer be sent to your identity provider.'), yes, no);
    } else {
      const rm = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Remove ' + d.name }, 'Remove');
      rm.addEventListener('click', () => { state.confirmRemove = d.id; render(); });
      row.append(rm);
    }
    card.append(row);
    return card;
  }

  function renderDomains() {
    const s = section('domains', 1, 'Domains',
      'Prove that your organization owns the email domains its people use (the part after @). For each domain, publish a DNS TXT record, then press Verify.');
    const list = el('div', { class: 'domains' });
    if (!state.domains.length) list.append(el('p', { class: 'empty' }, 'No domain yet. Add your company\'s email domain below.'));
    state.domains.forEach((d) => list.append(domainCard(d)));
    const input = el('input', { type: 'text', id: 'new-domain', autocomplete: 'off', spellcheck: 'false', placeholder: 'example.com' });
    const add = el('button', { type: 'submit' }, 'Add domain');
    const form = el('form', { class: 'add-domain', novalidate: true },
      control('Add a domain', input, 'Several at once: separate them with spaces or commas.'), add);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const names = input.value.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
      if (!names.length) { say('domains', ui.alertBox('error', 'Type a domain name, like example.com.')); input.focus(); return; }
      act('domains', add, 'Adding…', async () => {
        const failed = [];
        for (const name of names) {
          try { await api('POST', '/domains', { name }); } catch (e) { failed.push([name, e]); }
        }
        await reload();
        if (failed.length) {
          say('domains', el('div', {}, failed.map(([n, e]) => ui.alertBox('error', `${n}: ${explain(e)}`))));
          const again = document.getElementById('new-domain');
          if (again) { again.value = failed.map(([n]) => n).join(' '); again.focus(); }
        }
      });
    });
    s.append(list, form);
    return s;
  }

  /* -- 2. Connection --------------------------------------------------------------------- */

  function verifiedNames() {
    return state.domains.filter((d) => d.verification.status === 'verified').map((d) => d.name);
  }

  function renderPicker(s) {
    const group = el('fieldset', { class: 'providers' }, el('legend', {}, 'Which identity provider does your organization use?'));
    let first = true;
    for (const [key, p] of Object.entries(PROVIDERS)) {
      const id = 'provider-' + key;
      group.append(el('div', { class: 'radio' },
        el('input', { type: 'radio', name: 'provider', id, value: key, checked: first }),
        el('label', { for: id }, p.label + (p.protocol === 'oidc' ? ' (OIDC)' : ' (SAML)'))));
      first = false;
    }
    const go = el('button', { type: 'submit' }, 'Continue');
    const form = el('form', {}, group, go);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const key = form.querySelector('input[name=provider]:checked').value;
      const p = PROVIDERS[key];
      const names = verifiedNames();
      const body = { name: p.label, provider: key, protocol: p.protocol,
        domains: names.length ? names : state.domains.map((d) => d.name) };
      act('connection', go, 'Preparing…', async () => {
        await api('POST', '/connections', body);
        await reload();
        const c = document.getElementById('h-connection');
        if (c) c.scrollIntoView();
      });
    });
    s.append(form);
  }

  function spValues(c) {
    if (c.protocol === 'oidc') {
      return { redirect: ui.copyField('Redirect URI (sign-in redirect URI)', c.oidc.redirect_uri, 'redirect-uri') };
    }
    return {
      entity: ui.copyField('SP entity ID (Audience URI / Identifier)', c.saml.sp_entity_id, 'sp-entity-id'),
      acs: ui.copyField('ACS URL (Single sign-on URL / Reply URL)', c.saml.acs_url, 'acs-url'),
      meta: ui.copyField('SP metadata URL', c.saml.sp_metadata_url, 'sp-metadata-url'),
    };
  }

  function attrTable(rows) {
    return el('div', { class: 'table-wrap' }, el('table', {},
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Attribute name to send'), el('th', { scope: 'col' }, 'Value'))),
      el('tbody', {}, rows.map(([n, v]) => el('tr', {}, el('td', {}, el('code', {}, n)), el('td', {}, v))))));
  }

  /* Where to click in each IdP, with gatehouse's exact values at the right step. */
  function howto(c) {
    const v = spValues(c);
    const li = (...x) => el('li', {}, ...x);
    const steps = {
      okta: () => [
        li('In the Okta Admin Console, open Applications → Applications → Create App Integration, choose SAML 2.0, and name the app.'),
        li('Single sign-on URL — also tick “Use this for Recipient URL and Destination URL”:', v.acs),
        li('Audience URI (SP Entity ID):', v.entity),
        li('Name ID format: EmailAddress. Application username: Email.'),
        li('Attribute Statements:', attrTable([['email', 'user.email'], ['firstName', 'user.firstName'], ['lastName', 'user.lastName']])),
        li('Finish, assign the app to the people or groups who should sign in, then on the Sign On tab copy the Metadata URL and paste it below.'),
      ],
      google_workspace: () => [
        li('In the Google Admin console, open Apps → Web and mobile apps → Add app → Add custom SAML app, and name it.'),
        li('On “Google Identity Provider details”, download the IdP metadata (Option 2) and paste the file\'s content below.'),
        li('ACS URL:', v.acs),
        li('Entity ID:', v.entity),
        li('Name ID format: EMAIL; Name ID: Basic Information › Primary email.'),
        li('Attribute mapping:', attrTable([['email', 'Primary email'], ['first_name', 'First name'], ['last_name', 'Last name']])),
        li('Turn the app ON for everyone (or the right organizational units); it can take a few minutes to apply.'),
      ],
      microsoft_entra_id: () => [
        li('In the Microsoft Entra admin center, open Enterprise applications → New application → Create your own application → “Integrate any other application you don\'t find in the gallery (Non-gallery)”.'),
        li('Open Single sign-on, choose SAML, and edit Basic SAML Configuration. Identifier (Entity ID):', v.entity),
        li('Reply URL (Assertion Consumer Service URL):', v.acs),
        li('Attributes & Claims: the defaults work (emailaddress, givenname, surname, name). Unique User Identifier: user.userprincipalname or user.mail.'),
        li('Under SAML Certificates, copy the App Federation Metadata Url and paste it below; then assign users and groups to the application.'),
      ],
      custom_saml: () => [
        li('In your identity provider, add a SAML 2.0 application (service provider). If it can read metadata, give it this URL:', v.meta),
        li('Otherwise enter the SP entity ID:', v.entity),
        li('and the Assertion Consumer Service URL (HTTP-POST binding):', v.acs),
        li('Send the email address as the NameID (format emailAddress) or in an attribute, and sign the assertion or the response (RSA-SHA256). Attributes gatehouse reads:',
          attrTable([['email', 'the user\'s email address'], ['firstName', 'given name'], ['lastName', 'family name']])),
        li('Paste your identity provider\'s metadata URL or XML below, or enter its details by hand.'),
      ],
      custom_oidc: () => [
        li('In your OpenID Connect provider, register a web application (confidential client, authorization code flow).'),
        li('Redirect URI:', v.redirect),
        li('Scopes: openid email profile. Claims gatehouse reads:',
          attrTable([['email', 'the user\'s email address'], ['email_verified', 'true'], ['given_name', 'given name'], ['family_name', 'family name']])),
        li('Paste the issuer URL, client ID and client secret below.'),
      ],
    }[c.provider];
    return el('div', { class: 'howto-box' },
      el('h3', {}, `In ${(PROVIDERS[c.provider] || { label: 'your identity provider' }).label}`),
      el('ol', { class: 'howto' }, steps ? steps() : []));
  }

  function input(id, value, attrs) {
    return el('input', Object.assign({ type: 'text', id, value: value || '', autocomplete: 'off', spellcheck: 'false' }, attrs || {}));
  }

  function samlForm(c) {
    const s = c.saml;
    const url = input('idp-metadata-url', s.idp_metadata_url, { type: 'url', placeholder: 'https://' });
    const xml = el('textarea', { id: 'idp-metadata-xml', spellcheck: 'false', placeholder: '<EntityDescriptor …' });
    const entity = input('idp-entity-id', '');
    const sso = input('idp-sso-url', '', { type: 'url' });
    const cert = el('textarea', { id: 'idp-certificate', spellcheck: 'false', placeholder: '-----BEGIN CERTIFICATE-----' });
    const sign = el('input', { type: 'checkbox', id: 'sign-requests', checked: s.sign_authn_requests });
    const enc = el('input', { type: 'checkbox', id: 'encrypt-assertions', checked: s.want_encrypted_assertions });
    const manual = el('details', { class: 'manual' }, el('summary', {}, 'No metadata? Enter the details by hand'),
      control('IdP entity ID (Issuer)', entity), control('IdP single sign-on URL', sso),
      control('IdP signing certificate', cert, 'PEM, starting with -----BEGIN CERTIFICATE-----'));
    const fields = el('div', {},
      control('IdP metadata URL', url, 'The address of your identity provider\'s SAML metadata.'),
      control('Or paste the IdP metadata XML', xml, 'Leave empty to keep what was loaded before.'),
      manual,
      el('div', { class: 'check' }, sign, el('label', { for: 'sign-requests' }, 'Sign authentication requests')),
      el('div', { class: 'check' }, enc, el('label', { for: 'encrypt-assertions' }, 'Ask for encrypted assertions')));
    const read = () => {
      const body = { sign_authn_requests: sign.checked, want_encrypted_assertions: enc.checked };
      if (xml.value.trim()) body.idp_metadata_xml = xml.value.trim();
      else if (url.value.trim()) body.idp_metadata_url = url.value.trim();
      if (entity.value.trim()) body.idp_entity_id = entity.value.trim();
      if (sso.value.trim()) body.idp_sso_url = sso.value.trim();
      if (cert.value.trim()) body.idp_certificates = [cert.value.trim()];
      return { saml: body };
    };
    return { fields, read };
  }

  function oidcForm(c) {
    const o = c.oidc;
    const issuer = input('oidc-issuer', o.issuer, { type: 'url', placeholder: 'https://' });
    const cid = input('oidc-client-id', o.client_id);
    const secret = el('input', { type: 'password', id: 'oidc-client-secret', autocomplete: 'new-password',
      placeholder: o.has_client_secret ? 'saved — leave empty to keep it' : '' });
    const scopes = input('oidc-scopes', o.scopes || 'openid email profile');
    const fields = el('div', {},
      control('Issuer URL', issuer, 'For example https://login.example.com — gatehouse reads /.well-known/openid-configuration under it.'),
      control('Client ID', cid), control('Client secret', secret), control('Scopes', scopes));
    const read = () => {
      const body = { issuer: issuer.value.trim(), client_id: cid.value.trim(), scopes: scopes.value.trim() };
      if (secret.value) body.client_secret = secret.value;
      return { oidc: body };
    };
    return { fields, read };
  }

  function currentIdp(c) {
    if (c.protocol === 'oidc') {
      return c.oidc.issuer ? el('p', { class: 'hint' }, 'Saved issuer: ', el('code', {}, c.oidc.issuer)) : null;
    }
    const s = c.saml;
    if (!s.idp_entity_id) return null;
    return el('div', { class: 'current-idp', 'data-testid': 'idp-settings' },
      el('p', { class: 'hint' }, 'Saved identity provider: ', el('code', {}, s.idp_entity_id)),
      el('p', { class: 'hint' }, 'Sign-in URL: ', el('code', {}, s.idp_sso_url || '—'), ` · ${s.idp_certificates.length} signing certificate(s)`));
  }

  function renderSaved() {
    const sv = state.saved;
    if (!sv) return null;
    return el('div', { 'data-testid': 'connection-saved' }, ui.alertBox('ok', sv.text),
      (sv.warnings || []).map((w) => ui.alertBox('warn', w.message)));
  }

  function renderConnection() {
    const s = section('connection', 2, 'Connection', 'Connect your identity provider: gatehouse shows the values to enter there, and you paste your identity provider\'s details here.');
    const c = state.conn;
    if (!c) { renderPicker(s); return s; }
    put(s, el('p', {}, el('strong', {}, c.name), ` — ${(PROVIDERS[c.provider] || {}).label || c.provider}, ${c.protocol.toUpperCase()} `, badge(c.status)),
      howto(c), el('h3', {}, 'Your identity provider\'s details'), currentIdp(c));
    const f = c.protocol === 'oidc' ? oidcForm(c) : samlForm(c);
    const save = el('button', { type: 'submit' }, c.status === 'active' && state.confirmLive ? 'Save changes to the live connection' : 'Save');
    const form = el('form', { novalidate: true }, f.fields);
    if (c.status === 'active' && state.confirmLive) {
      form.append(ui.alertBox('warn', 'This connection is live: your people sign in through it now. A wrong setting stops their sign-ins at once. Run a test sign-in right after saving.'));
    }
    const row = el('div', { class: 'row' }, save);
    if (c.protocol === 'saml' && c.saml.idp_metadata_url) {
      const refresh = el('button', { type: 'button', class: 'secondary' }, 'Load the metadata URL again');
      refresh.addEventListener('click', () => act('connection', refresh, 'Fetching metadata…', async () => {
        const r = await api('POST', `/connections/${c.id}/refresh_metadata`);
        state.saved = { text: 'Metadata loaded again from ' + c.saml.idp_metadata_url + '.', warnings: r.warnings };
        await reload();
      }));
      row.append(refresh);
    }
    put(form, row, renderSaved());
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (c.status === 'active' && !state.confirmLive) { state.confirmLive = true; render(); return; }
      const body = f.read();
      const names = Array.from(new Set([...c.domains, ...verifiedNames()]));
      if (names.length !== c.domains.length) body.domains = names;
      act('connection', save, 'Saving…', async () => {
        const r = await api('PATCH', `/connections/${c.id}`, body);
        state.confirmLive = false;
        state.saved = { text: 'Saved. Next: run a test sign-in (step 3).', warnings: r.warnings };
        await reload();
      });
    });
    s.append(form);
    return s;
  }

  /* -- 3. Test --------------------------------------------------------------------------- */

  const PROBLEM_FIXES = {
    clock_skew: 'The identity provider\'s clock and gatehouse\'s disagree: check the time (NTP) on your identity provider\'s servers.',
    expired: 'The answer arrived too late: try again, and check your identity provider\'s clock.',
    not_yet_valid: 'The answer is dated in the future: check your identity provider\'s clock.',
    wrong_audience: 'Set the Audience URI / Identifier (SP entity ID) in your identity provider to the exact value shown in step 2.',
    wrong_recipient: 'Set the ACS / Reply URL in your identity provider to the exact value shown in step 2.',
    wrong_destination: 'Set the ACS / Reply URL in your identity provider to the exact value shown in step 2.',
    wrong_issuer: 'The answer came from another identity provider than the one saved: paste the metadata again (step 2).',
    unknown_certificate: 'Your identity provider signs with a certificate gatehouse does not know (it may have rotated it): load the metadata again in step 2.',
    unknown_key: 'Your identity provider signs with a key gatehouse does not know: load the metadata again in step 2.',
    signature_invalid: 'The signature does not verify: load the metadata again in step 2; if it persists, check that nothing rewrites the response on the way.',
    unsigned: 'Make your identity provider sign the assertion or the response (RSA-SHA256).',
    unsigned_assertion: 'Make your identity provider sign the assertion or the response (RSA-SHA256).',
    unsigned_response: 'Make your identity provider sign the assertion or the response (RSA-SHA256).',
    missing_email: 'Send the email address as the NameID (format emailAddress) or in an attribute named email.',
    missing_name_id: 'Configure your identity provider to send a NameID (the email address).',
    email_domain_not_covered: 'Sign in with an account of one of your verified domains (step 1), or add that domain.',
    email_not_verified: 'The identity provider says this email address is not verified: verify it there, or use another account.',
    in_response_to_mismatch: 'Start the test again from this page rather than from the identity provider\'s dashboard.',
  };

  function outcome(t) {
    if (!t) return null;
    const box = el('div', { class: 'outcome', 'data-testid': 'test-outcome', 'data-status': t.status });
    if (t.status === 'pending') return null;
    if (t.status !== 'passed' && t.status !== 'failed') {
      box.append(ui.alertBox('warn', `This test sign-in ended without an answer from your identity provider (${t.status}). Run another one and finish signing in within 15 minutes.`));
      return box;
    }
    if (t.status === 'passed') {
      box.append(ui.alertBox('ok', 'Test sign-in passed' + (t.email ? ` for ${t.email}` : '') + '. You can activate the connection (step 4).'));
    } else {
      box.append(ui.alertBox('error', 'Test sign-in failed. Here is what went wrong and how to fix it:'));
      box.append(el('ul', { class: 'problems' }, (t.problems || []).map((p) => el('li', {},
        el('strong', {}, p.code.replace(/_/g, ' ')), ': ', p.message,
        PROBLEM_FIXES[p.code] ? el('div', { class: 'fix' }, 'How to fix: ', PROBLEM_FIXES[p.code]) : null))));
    }
    const dl = el('dl', { class: 'received' });
    if (t.name_id) dl.append(el('dt', {}, 'NameID / subject'), el('dd', {}, el('code', {}, t.name_id)));
    if (t.email) dl.append(el('dt', {}, 'Email'), el('dd', {}, t.email));
    box.append(dl);
    const attrs = t.attributes && typeof t.attributes === 'object' ? Object.entries(t.attributes) : [];
    if (attrs.length) {
      box.append(el('h3', {}, 'Attributes received'), el('div', { class: 'table-wrap' }, el('table', { 'data-testid': 'test-attributes' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col' }, 'Values'))),
        el('tbody', {}, attrs.map(([k, v]) => el('tr', {}, el('td', {}, el('code', {}, k)),
          el('td', {}, (Array.isArray(v) ? v : [v]).map((x) => el('div', {}, typeof x === 'string' ? x : JSON.stringify(x))))))))));
    }
    return box;
  }

  function pollTest(connId, id) {
    clearTimeout(testTimer);
    testTimer = setTimeout(async () => {
      try {
        const t = await api('GET', `/connections/${connId}/test_sign_ins/${id}`);
        if (t.status === 'pending') { pollTest(connId, id); return; }
        state.test = t;
        await reload();
        const o = document.querySelector('[data-testid="test-outcome"]');
        if (o) o.scrollIntoView({ block: 'nearest' });
      } catch (e) {
        say('test', failBox(e));
      }
    }, 1000);
  }

  function configured() {
    return state.org.steps.connection.done;
  }

  function renderTest() {
    const s = section('test', 3, 'Test', 'Sign in once through your identity provider, in a new tab, to check the setup. Nobody is signed in to the application and no account is created.');
    const c = state.conn;
    if (!c || !configured()) {
      s.append(el('p', { class: 'empty' }, 'Save your identity provider\'s details (step 2) first.'));
      return s;
    }
    const run = el('button', { type: 'button' }, state.test ? 'Run another test sign-in' : 'Run a test sign-in');
    run.addEventListener('click', () => {
      /* opened now, in the click, so no popup blocker stops it; sent to the IdP below */
      const w = window.open('', '_blank');
      if (w) w.opener = null;
      act('test', run, 'Starting…', async () => {
        const t = await api('POST', `/connections/${c.id}/test_sign_ins`);
        if (w) w.location.href = t.url;
        state.test = t;
        const wait = el('div', { 'data-testid': 'test-waiting' },
          progress('Waiting for the sign-in in the other tab… Sign in there with an account of your domain; this page updates by itself.'),
          el('p', {}, 'No new tab? ', el('a', { href: t.url, target: '_blank', rel: 'noopener' }, 'Open the test sign-in')));
        say('test', wait);
        pollTest(c.id, t.id);
      }).then((ok) => { if (!ok && w) w.close(); });
    });
    put(s, el('div', { class: 'row' }, run), outcome(state.test && state.test.status !== 'pending' ? state.test : null));
    return s;
  }

  /* -- 4. Activate ----------------------------------------------------------------------- */

  function renderActivate() {
    const s = section('activate', 4, 'Activate', 'When active, people of your verified domains sign in through your identity provider.');
    const c = state.conn;
    if (!c) { s.append(el('p', { class: 'empty' }, 'Set up a connection (step 2) first.')); return s; }
    const box = el('div', { 'data-testid': 'activation' });
    if (c.status === 'active') {
      box.append(ui.alertBox('ok', 'The connection is active' + (c.activated_at ? ` since ${ui.time(c.activated_at)}` : '') + '.'));
      const off = el('button', { type: 'button', class: 'secondary' }, 'Deactivate');
      off.addEventListener('click', () => act('activate', off, 'Deactivating…', async () => {
        await api('POST', `/connections/${c.id}/deactivate`);
        await reload();
      }));
      box.append(el('div', { class: 'row' }, off, el('span', { class: 'hint' }, 'People then sign in the way they did before SSO.')));
    } else {
      const hasDomain = c.domains.some((n) => verifiedNames().includes(n));
      const tested = !!c.tested_at;
      const missing = [];
      if (!hasDomain) missing.push('a verified domain covered by this connection (step 1)');
      if (!tested) missing.push('a test sign-in that passed (step 3)');
      box.append(el('ul', { class: 'checklist' },
        el('li', { class: hasDomain ? 'ok' : 'todo' }, (hasDomain ? '✓ ' : '✗ ') + 'A verified domain'),
        el('li', { class: tested ? 'ok' : 'todo' }, (tested ? '✓ ' : '✗ ') + 'A passed test sign-in')));
      const on = el('button', { type: 'button', disabled: missing.length > 0 }, 'Activate');
      on.addEventListener('click', () => act('activate', on, 'Activating…', async () => {
        await api('POST', `/connections/${c.id}/activate`);
        await reload();
      }));
      box.append(el('div', { class: 'row' }, on));
      if (missing.length) box.append(el('p', { class: 'hint', 'data-testid': 'activation-missing' }, 'Still needed: ' + missing.join(' and ') + '.'));
    }
    s.append(box, renderDelete(c));
    return s;
  }

  function renderDelete(c) {
    const d = el('details', { class: 'danger-zone' }, el('summary', {}, 'Delete this connection'));
    const typed = el('input', { type: 'text', id: 'delete-confirm', autocomplete: 'off' });
    const del = el('button', { type: 'button', class: 'danger', disabled: true }, 'Delete connection');
    typed.addEventListener('input', () => { del.disabled = typed.value !== c.name; });
    del.addEventListener('click', () => act('activate', del, 'Deleting…', async () => {
      await api('DELETE', `/connections/${c.id}`);
      state.test = null; state.saved = null; state.token = null;
      await reload();
    }));
    d.append(el('p', {}, 'Sign-ins through it stop at once, and Directory Sync stops. To choose another identity provider, delete this connection and start step 2 again.'),
      control(`Type the connection name (${c.name}) to confirm`, typed), del);
    return d;
  }

  /* -- 5. Directory Sync ----------------------------------------------------------------- */

  function scimHowto(d) {
    const base = () => ui.copyField('SCIM base URL', d.scim_base_url);
    return el('div', { class: 'howto-box' },
      el('details', {}, el('summary', {}, 'Okta'), el('ol', { class: 'howto' },
        el('li', {}, 'In your Okta app\'s General tab, edit App Settings and turn on SCIM provisioning; open the Provisioning tab → Integration.'),
        el('li', {}, 'SCIM connector base URL:', base()),
        el('li', {}, 'Unique identifier field for users: userName. Supported actions: Push New Users, Push Profile Updates, Push Groups.'),
        el('li', {}, 'Authentication Mode: HTTP Header; Authorization: Bearer, then the token. Test the connector and save.'),
        el('li', {}, 'Provisioning → To App: enable Create Users, Update User Attributes and Deactivate Users; assign people.'))),
      el('details', {}, el('summary', {}, 'Microsoft Entra ID'), el('ol', { class: 'howto' },
        el('li', {}, 'In the enterprise application, open Provisioning → Get started; Provisioning Mode: Automatic.'),
        el('li', {}, 'Tenant URL:', base()),
        el('li', {}, 'Secret Token: the token. Test Connection, then Save.'),
        el('li', {}, 'Under Users and groups, assign who is provisioned, then Start provisioning (Entra ID syncs every 40 minutes; “Provision on demand” is immediate).'))));
  }

  function usersTable(list) {
    const wrap = el('div', { 'data-testid': 'directory-users' });
    if (!list || !list.data.length) {
      wrap.append(progress('Waiting for the first user… Once your identity provider starts provisioning, people appear here (this page checks every few seconds).'));
      return wrap;
    }
    wrap.append(el('p', {}, `${list.total_count} user(s) provisioned.`),
      el('div', { class: 'table-wrap' }, el('table', {},
        el('thead', {}, el('tr', {}, ['User name', 'Email', 'Status', 'Last synced'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, list.data.map((u) => el('tr', {}, el('td', {}, u.user_name), el('td', {}, u.primary_email || '—'),
          el('td', {}, el('span', { class: 'badge ' + (u.status === 'active' ? 'ok' : 'warn') }, u.status === 'active' ? 'Active' : 'Deactivated')),
          el('td', {}, ui.time(u.last_synced_at))))))));
    return wrap;
  }

  function stopDirPolling() { clearTimeout(dirTimer); dirTimer = null; }

  function pollUsers(connId, slot) {
    dirTimer = setTimeout(async () => {
      try {
        const list = await api('GET', `/connections/${connId}/directory_users?limit=100`);
        const before = state.users ? state.users.total_count : 0;
        state.users = list;
        if (before === 0 && list.total_count > 0) { await reload(); return; }
        slot.replaceWith(usersTable(list));
        slot = document.querySelector('[data-testid="directory-users"]');
      } catch (e) {
        if (e.status === 401) { say('directory_sync', failBox(e)); return; }
      }
      if (slot) pollUsers(connId, slot);
    }, 2000);
  }

  function renderDirectory() {
    const s = section('directory_sync', 5, 'Directory Sync', 'Let your identity provider create, update and deactivate accounts automatically (SCIM 2.0), so people have access before their first sign-in and lose it when they leave.');
    const c = state.conn;
    if (!c) { s.append(el('p', { class: 'empty' }, 'Set up a connection (step 2) first.')); return s; }
    const d = state.dir;
    if (!d || !d.enabled) {
      const on = el('button', { type: 'button' }, 'Turn on Directory Sync');
      on.addEventListener('click', () => act('directory_sync', on, 'Turning on…', async () => {
        const r = await api('POST', `/connections/${c.id}/directory_sync`);
        state.token = r.bearer_token;
        await reload();
      }));
      s.append(el('div', { class: 'row' }, on));
      return s;
    }
    s.append(ui.copyField('SCIM base URL', d.scim_base_url, 'scim-base-url'));
    if (state.token) {
      s.append(ui.copyField('Bearer token', state.token, 'scim-token'),
        ui.alertBox('warn', 'Copy the token now and paste it into your identity provider: it is shown only this once. If you lose it, generate a new one.'));
    } else {
      s.append(el('p', { class: 'hint' }, 'Token: ', el('code', {}, d.token_hint || 'hidden'), ' (shown only when it is made).'));
    }
    const rot = el('button', { type: 'button', class: 'secondary' }, 'Generate a new token');
    rot.addEventListener('click', () => act('directory_sync', rot, 'Generating…', async () => {
      const r = await api('POST', `/connections/${c.id}/directory_sync/rotate_token`);
      state.token = r.bearer_token;
      await reload();
      say('directory_sync', ui.alertBox('info', 'New token made. The old one keeps working for 10 more minutes: paste the new one into your identity provider now.'));
    }));
    const off = el('button', { type: 'button', class: 'secondary' }, 'Turn off Directory Sync');
    off.addEventListener('click', () => act('directory_sync', off, 'Turning off…', async () => {
      await api('DELETE', `/connections/${c.id}/directory_sync`);
      state.token = null; state.users = null;
      await reload();
    }));
    s.append(el('div', { class: 'row' }, rot, off,
      el('span', { class: 'hint' }, 'A new token replaces the old one, which keeps working for 10 more minutes.')),
    el('h3', {}, 'Set it up in your identity provider'), scimHowto(d), el('h3', {}, 'Provisioned users'));
    const slot = usersTable(state.users);
    s.append(slot);
    pollUsers(c.id, slot);
    return s;
  }

  /* -- session --------------------------------------------------------------------------- */

  async function signOut(button) {
    try {
      await ui.busy(button, 'Signing out…', () => ui.api('POST', API + '/sign_out'));
    } catch (e) { /* the session is gone either way */ }
    stopDirPolling();
    clearTimeout(testTimer);
    const who = document.getElementById('whoami');
    if (who) ui.clear(who);
    const back = state.session.return_url && /^https?:\/\//i.test(state.session.return_url)
      ? el('p', {}, el('a', { href: state.session.return_url }, 'Back to the application')) : null;
    put(ui.clear(main), el('h1', {}, 'Signed out'),
      el('p', {}, 'To come back, open the Security page again from the application.'), back);
  }

  (async () => {
    try {
      state.session = await ui.api('GET', API + '/session');
      ui.setCsrf(state.session.csrf_token);
      await load();
      if (state.conn && state.dir && state.dir.enabled) {
        state.users = await api('GET', `/connections/${state.conn.id}/directory_users?limit=100`);
      }
      render();
    } catch (e) {
      ui.clear(main).append(el('h1', {}, 'Security'), failBox(e));
    }
  })();
})();
